// Package api serves vaxbook's JSON API under /api/v1, described by the OpenAPI document
// at /openapi.yaml. Handlers parse and validate the request, call the booking service or
// an identity method, and render JSON or an RFC 9457 problem.
package api

import (
	"crypto/rand"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/booking"
	"vaxbook/campaigns"
	"vaxbook/cert"
	"vaxbook/clinic"
	"vaxbook/congestion"
	"vaxbook/identity"
	"vaxbook/imports"
	"vaxbook/oidc"
	"vaxbook/outbox"
	"vaxbook/queue"
	"vaxbook/signin"
	"vaxbook/sitecache"
	"vaxbook/staff"
	"vaxbook/standby"
	"vaxbook/stats"
)

// Config is what the API needs from the outside, wired by package app: the API builds
// no service of its own.
type Config struct {
	Store   vaxbook.Store
	Booking *booking.Service
	Phone   PhoneMethod
	// Line is the verification methods' congestion line, read for the lights.
	Line congestion.Line
	// OIDC and Cert are the simple-authentication and certificate methods; nil leaves
	// their routes out.
	OIDC *oidc.Method
	Cert *cert.Method
	// LineMethods names the methods the congestion line knows.
	LineMethods []string
	// Mounts are extra handlers by path prefix, such as the development issuers.
	Mounts map[string]http.Handler
	// Room is the waiting room; nil serves verification and booking without one.
	Room *queue.Room
	// OperatorToken is the bearer credential of the operator routes; empty refuses all.
	OperatorToken string
	Sealer        *identity.Sealer
	Clock         vaxbook.Clock
	Logger        *slog.Logger
	// SecureCookies marks cookies Secure; on whenever the service is reached over TLS.
	SecureCookies bool
	// TrustedProxies are the load balancers whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// StaffKey signs clinic staff session tokens (HMAC-SHA-256, at least 32 bytes);
	// empty turns clinic sign-in off.
	StaffKey []byte
	// Demo mounts the demo pages (one-time codes of the development carrier, example
	// residents). Never on in production.
	Demo *Demo
	// The use cases the API serves besides booking and sign-in, each a service built
	// by the wiring (app's openServices): the operators' campaign administration,
	// imports, statistics and undelivered notifications, the staff accounts and the
	// clinic's day, the standby lists, and the audit log they all write.
	Campaigns *campaigns.Service
	Imports   *imports.Service
	Stats     *stats.Service
	Outbox    *outbox.Service
	Staff     *staff.Service
	Clinic    *clinic.Service
	Standby   *standby.Service
	Audit     *audit.Service
	// Limits bound the site search and booking routes per person and per address;
	// nil limiters take in-process defaults.
	Limits RouteLimits
	// StaffLogins count staff sign-in attempts; nil limiters count in this process.
	StaffLogins LoginLimits
	// SignIn completes every verification method into a session and reads the session
	// of every signed-in request.
	SignIn *signin.Service
	// Devices signs the device cookies; the zero value takes the waiting room's
	// signer, or a random key when there is no waiting room.
	Devices signin.Devices
	// Metrics, when set, is served at /metrics to operators only (their bearer
	// token): booking totals and queue figures are not the public's. The operators'
	// own listener (--ops-addr) serves it without the token.
	Metrics http.Handler
}

// Server holds the API's dependencies. Create it with New.
type Server struct {
	store   vaxbook.Store
	sites   *sitecache.Cache // the sites named in answers, read once every few minutes
	booking *booking.Service
	phone   PhoneMethod
	line    congestion.Line
	room    *queue.Room
	oidc    *oidc.Method
	cert    *cert.Method
	mounts  map[string]http.Handler
	// lineMethods are the methods whose provider calls go through the line.
	lineMethods []string
	// operatorToken guards the operator routes.
	operatorToken string
	sealer        *identity.Sealer
	clock         vaxbook.Clock
	log           *slog.Logger
	secure        bool
	demo          *Demo
	// The use-case services (Config).
	campaigns *campaigns.Service
	imports   *imports.Service
	stats     *stats.Service
	outbox    *outbox.Service
	staff     *staff.Service
	clinic    *clinic.Service
	standby   *standby.Service
	auditLog  *audit.Service
	// trustedProxies are believed about the client's address (see realAddr).
	trustedProxies []netip.Prefix
	staffKey       []byte
	loginsByLogin  vaxbook.Limiter
	loginsByAddr   vaxbook.Limiter
	limits         RouteLimits
	signin         *signin.Service
	devices        signin.Devices
	metrics        http.Handler

	lightsCache lightsCache
}

// New returns a Server for cfg.
func New(cfg Config) *Server {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	logins := cfg.StaffLogins.withDefaults()
	s := &Server{
		staffKey: cfg.StaffKey, loginsByLogin: logins.PerAccount, loginsByAddr: logins.PerAddr, limits: cfg.Limits.withDefaults(),
		store: cfg.Store, sites: sitecache.New(cfg.Store), booking: cfg.Booking, phone: cfg.Phone, line: cfg.Line, lineMethods: cfg.LineMethods, room: cfg.Room, oidc: cfg.OIDC, cert: cfg.Cert, mounts: cfg.Mounts, operatorToken: cfg.OperatorToken, sealer: cfg.Sealer,
		clock: cfg.Clock, log: log, secure: cfg.SecureCookies, demo: cfg.Demo, trustedProxies: cfg.TrustedProxies,
		campaigns: cfg.Campaigns, imports: cfg.Imports, stats: cfg.Stats, outbox: cfg.Outbox, staff: cfg.Staff, clinic: cfg.Clinic,
		standby: cfg.Standby, auditLog: cfg.Audit,
		signin: cfg.SignIn, devices: cfg.Devices, metrics: cfg.Metrics,
	}
	if !s.devices.Valid() {
		s.devices = signin.NewDevices(deviceSigner(cfg.Room))
	}
	return s
}

// deviceSigner returns the signer of device tokens: the waiting room's, so that the
// device that joined the line is the device that verifies, or one with a random key.
func deviceSigner(room *queue.Room) *queue.Signer {
	if room != nil {
		return room.Signer()
	}
	secret := make([]byte, queue.MinSecretLen)
	rand.Read(secret)
	signer, err := queue.NewSigner(queue.Key{ID: 1, Secret: secret})
	if err != nil {
		panic(err) // a random key of the minimum length is always accepted
	}
	return signer
}

// route is one entry of the routing table. The table is also what the OpenAPI test
// compares against the document, so a route cannot be added without describing it.
type route struct {
	method, path string
	handler      http.HandlerFunc
	// public routes are in the API document; demo-only and operational ones are not.
	public bool
}

func (s *Server) routes() []route {
	book, change := s.withPlace(http.StatusCreated, s.booking.Book), s.withPlace(http.StatusOK, s.booking.Change)
	rs := []route{
		{"GET", "/healthz", s.health, false},
		{"GET", "/openapi.yaml", s.openAPI, false},
		{"GET", "/metrics", s.operator(s.serveMetrics), false},
		{"GET", "/api/v1/campaigns", s.listCampaigns, true},
		{"GET", "/api/v1/campaigns/{id}", s.getCampaign, true},
		{"GET", "/api/v1/campaigns/{id}/eligibility", s.eligibility, true},
		{"GET", "/api/v1/campaigns/{id}/sites", s.limited(searchRoutes, s.searchSites), true},
		{"GET", "/api/v1/campaigns/{id}/me", s.me, true},
		{"POST", "/api/v1/campaigns/{id}/reservation", s.limited(bookingRoutes, s.admitted(book)), true},
		{"GET", "/api/v1/campaigns/{id}/reservation", s.withOwn(s.booking.Reservation), true},
		{"PUT", "/api/v1/campaigns/{id}/reservation", s.limited(bookingRoutes, s.admitted(change)), true},
		{"DELETE", "/api/v1/campaigns/{id}/reservation", s.limited(bookingRoutes, s.admitted(s.withOwn(s.booking.Cancel))), true},
		{"GET", "/api/v1/identity/methods", s.methods, true},
		{"POST", "/api/v1/identity/phone/start", s.verifyLimited(s.admitted(s.phoneStart)), true},
		{"POST", "/api/v1/identity/phone/confirm", s.verifyLimited(s.admitted(s.phoneConfirm)), true},
		{"GET", "/api/v1/session", s.getSession, true},
		{"DELETE", "/api/v1/session", s.logout, true},
	}
	if s.oidc != nil {
		rs = append(rs,
			route{"GET", "/api/v1/identity/oidc/{provider}/start", s.verifyLimited(s.admitted(s.oidcStart)), true},
			route{"GET", "/api/v1/identity/oidc/{provider}/callback", s.verifyLimited(s.admitted(s.oidcCallback)), true},
		)
	}
	if s.cert != nil {
		rs = append(rs,
			route{"POST", "/api/v1/identity/cert/challenge", s.verifyLimited(s.admitted(s.certChallenge)), true},
			route{"POST", "/api/v1/identity/cert/verify", s.verifyLimited(s.admitted(s.certVerify)), true},
		)
	}
	if s.room != nil {
		rs = append(rs,
			route{"POST", "/api/v1/queue/join", s.queueJoin, true},
			route{"GET", "/api/v1/queue/status", s.queueStatus, true},
			route{"POST", "/api/v1/queue/claim", s.queueClaim, true},
			route{"GET", "/api/v1/queue/openings", s.queueOpenings, true},
			route{"GET", "/api/v1/admin/queue", s.operator(s.adminQueue), true},
			route{"PUT", "/api/v1/admin/queue/rate", s.operator(s.adminRate), true},
			route{"POST", "/api/v1/admin/queue/pause", s.operator(s.adminPause), true},
			route{"POST", "/api/v1/admin/queue/resume", s.operator(s.adminResume), true},
		)
	}
	rs = append(rs,
		route{"POST", "/api/v1/admin/campaigns", s.operator(s.adminCreateCampaign), true},
		route{"PUT", "/api/v1/admin/campaigns/{id}", s.operator(s.adminUpdateCampaign), true},
		route{"POST", "/api/v1/admin/campaigns/{id}/imports/{kind}", s.operator(s.adminImport), true},
		route{"GET", "/api/v1/admin/campaigns/{id}/stats", s.operator(s.adminStats), true},
		route{"GET", "/api/v1/admin/outbox", s.operator(s.adminOutbox), true},
		route{"PUT", "/api/v1/admin/staff/{login}", s.operator(s.adminPutStaff), true},
		route{"DELETE", "/api/v1/admin/staff/{login}/sessions", s.operator(s.adminEndStaffSessions), true},
		route{"PUT", "/api/v1/admin/staff/{login}/status", s.operator(s.adminStaffStatus), true},
		route{"POST", "/api/v1/admin/outbox/{id}/retry", s.operator(s.adminOutboxRetry), true},
		route{"GET", "/api/v1/admin/audit", s.operator(s.adminAudit), true},
		route{"POST", "/api/v1/clinic/login", s.clinicLogin, true},
		route{"POST", "/api/v1/clinic/logout", s.staffOnly(s.clinicLogout), true},
		route{"GET", "/api/v1/clinic/appointments", s.staffOnly(s.clinicAppointments), true},
		route{"POST", "/api/v1/clinic/appointments/{id}/attendance", s.staffOnly(s.clinicAttendance), true},
	)
	// The same-day standby list of leftover doses (api/standby.go).
	rs = append(rs,
		route{"GET", "/api/v1/campaigns/{id}/standby/sites", s.limited(searchRoutes, s.standbySites), true},
		route{"GET", "/api/v1/campaigns/{id}/standby", s.asStandbyResident(s.standbyMine), true},
		route{"POST", "/api/v1/campaigns/{id}/standby", s.limited(bookingRoutes, s.asStandbyResident(s.standbyJoin)), true},
		route{"DELETE", "/api/v1/campaigns/{id}/standby", s.limited(bookingRoutes, s.asStandbyResident(s.standbyLeave)), true},
		route{"POST", "/api/v1/campaigns/{id}/standby/{entry}/accept", s.limited(bookingRoutes, s.asStandbyResident(s.standbyAccept)), true},
		route{"POST", "/api/v1/campaigns/{id}/standby/{entry}/decline", s.limited(bookingRoutes, s.asStandbyResident(s.standbyDecline)), true},
		route{"GET", "/api/v1/clinic/standby", s.staffOnly(s.clinicStandby), true},
		route{"POST", "/api/v1/clinic/leftovers", s.staffOnly(s.clinicLeftover), true},
	)
	if s.demo != nil {
		rs = append(rs,
			route{"GET", "/demo", s.demoPage, false},
			route{"GET", "/demo/sms", s.demoSMS, false},
			route{"GET", "/demo/cert", s.demoCert, false},
			route{"GET", "/demo/notices", s.demoNotices, false},
			route{"GET", "/demo/cert.html", s.demoCertPage, false},
			route{"GET", "/demo/cert.js", s.demoCertPage, false},
		)
	}
	return rs
}

// Handler returns the API with its protections: cross-origin checks on every
// state-changing request (Sec-Fetch-Site / Origin, Go's CrossOriginProtection), which
// together with SameSite=Lax cookies and JSON-only bodies keeps other sites from acting
// in a resident's session.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.method+" "+rt.path, rt.handler)
	}
	for prefix, h := range s.mounts {
		mux.Handle(prefix, h)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeMethodNotAllowed, "this route does not take %s; it takes %s", r.Method, strings.Join(allow, ", ")))
			return
		}
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeNotFound, "no such page or API route"))
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeForbidden, "cross-origin request refused"))
	}))
	return realAddr(securityHeaders(cop.Handler(mux), s.secure), s.trustedProxies)
}

// securityHeaders sets headers that cost nothing and close whole classes of attack.
// Strict-Transport-Security goes out when the request came over TLS or the service is
// configured as served behind TLS (secure cookies), never over plain HTTP on its own.
func securityHeaders(next http.Handler, behindTLS bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.TLS != nil || behindTLS {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, http.StatusOK, healthJSON{Status: "ok"})
}

// serveMetrics serves the Prometheus metrics, or 404 when none are configured.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if s.metrics == nil {
		s.writeError(w, r, vaxbook.Errorf(vaxbook.CodeNotFound, "no metrics here"))
		return
	}
	s.metrics.ServeHTTP(w, r)
}

// routeMethods are the methods a route may be asked for.
var routeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// allowed returns the methods some route other than the catch-all serves at r's path.
// The catch-all "/" takes every method, so the mux never answers 405 by itself: a
// PATCH on a GET route reaches the catch-all, which asks here whether the path is known.
func allowed(mux *http.ServeMux, r *http.Request) []string {
	var out []string
	for _, m := range routeMethods {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}
