package app

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/peterbourgon/ff/v3"

	"vaxbook"
	"vaxbook/api"
	"vaxbook/jobs"
)

// Config is the whole configuration of a vaxbook process. Every field has a default
// that runs with no set-up (an SQLite file, in-process limits); flags and VAXBOOK_*
// environment variables override it.
type Config struct {
	Addr     string
	Database string // a file path (SQLite) or a postgres:// URL
	// Redis, when set, holds the state shared by instances: limits, device locks,
	// one-time codes, the verification lines (and the waiting room).
	Redis       string
	RedisPrefix string
	// Phone is the mobile-phone method's capacity at the carrier.
	PhoneMaxInFlight int
	PhonePerSecond   float64
	// WaitingRoom puts verification and booking behind the waiting room.
	WaitingRoom bool
	// QueueRate is the admission rate at first start; QueueAuto lets the controller
	// move it; QueueMaxActive bounds admitted people active at once.
	QueueRate      float64
	QueueAuto      bool
	QueueMaxActive int
	// QueueSecret signs waiting-room tokens; OperatorToken guards the operator API.
	QueueSecret   []byte
	OperatorToken string
	// StaffKey signs clinic staff sessions; empty turns clinic sign-in off.
	StaffKey []byte
	// madeUpToken is set when --demo made the operator token up; only then is it shown.
	madeUpToken bool
	// ProviderMaxInFlight and ProviderPerSecond are the capacity of each certificate and
	// simple-authentication provider.
	ProviderMaxInFlight int
	ProviderPerSecond   float64
	// CertRoots is a PEM file of the CAs trusted for certificate sign-in; OIDCProviders
	// a JSON file of the simple-authentication providers (oidc.ProviderConfig).
	CertRoots     string
	OIDCProviders string
	// PublicURL is the address browsers reach this service at (redirects come back
	// there); empty: http://<addr>.
	PublicURL string
	// DevProviders, in --demo, is the URL of `vaxbook devproviders` serving the
	// development issuers and CA in their own process; empty: inside this one.
	DevProviders string
	// DevProviderLatency is the latency of the development issuers and CA check.
	DevProviderLatency time.Duration
	// SMSGateway is the URL notifications are posted to; SMSGatewayToken its bearer.
	SMSGateway      string
	SMSGatewayToken string
	// OpsAddr, when set, is the operators' own listener (a private address): /metrics
	// and Go's profiling endpoints, without the operator token. The public listener
	// serves /metrics only with the token, and profiling never.
	OpsAddr string
	// BatchMax and BatchWait bound the group commits of bookings and of sign-ins.
	BatchMax  int
	BatchWait time.Duration
	// Limits bound the site search and booking routes per person and per address;
	// OutboxRetention says how long sent and dead notifications are kept.
	Limits          RouteLimitConfig
	OutboxRetention jobs.Retention
	// StandbyOfferWindow is how long a leftover dose offered from a standby list waits
	// for its acceptance.
	StandbyOfferWindow time.Duration
	// DevCarrierLatency is how long the development carrier takes per call.
	DevCarrierLatency time.Duration
	Demo              bool
	DemoSites         int
	DemoSeed          int64
	Now               time.Time // zero: the real clock
	// PersonKeySecret keys the hash that turns a provider's identity into a person key.
	PersonKeySecret []byte
	// PhoneKey is the AES-256 key that seals phone numbers at rest.
	PhoneKey []byte
	// SecureCookies marks cookies Secure with the __Host- prefix and sends HSTS: on
	// whenever PublicURL is https. InsecureHTTP is the explicit exception outside
	// --demo, for a test deployment reached over plain HTTP.
	SecureCookies bool
	InsecureHTTP  bool
	// TrustedProxies are the load balancers whose X-Forwarded-For names the client,
	// for the per-address limits.
	TrustedProxies []netip.Prefix
	LogLevel       slog.Level
	// Logger receives the service's log; nil: text on standard error at LogLevel.
	Logger *slog.Logger
	// Welcome, when set, receives the start-up message: where the service is and, in
	// --demo, whom to sign in as.
	Welcome io.Writer

	// rawPersonKey and rawPhoneKey are the secrets as given, checked by loadSecrets
	// only in the commands that need them.
	rawPersonKey, rawPhoneKey, rawQueueSecret, rawStaffKey string
}

// Demo keys are public by design: they exist so that `serve --demo` starts with no
// set-up, and they are refused outside demo mode.
const (
	demoPersonKeySecret = "vaxbook-demo-person-key-secret-not-for-production"
	demoPhoneKey        = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	demoQueueSecret     = "vaxbook-demo-queue-secret-not-for-production"
)

// ParseConfig reads the flags of a subcommand, then the environment.
func ParseConfig(name string, args []string) (Config, *flag.FlagSet, error) {
	var (
		c                      Config
		now, logLevel, proxies string
	)
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to serve HTTP on")
	fs.StringVar(&c.Database, "database", envOr("VAXBOOK_DATABASE_URL", "vaxbook.db"), "SQLite file path, or a postgres:// URL (env VAXBOOK_DATABASE_URL)")
	fs.StringVar(&c.Redis, "redis", envOr("VAXBOOK_REDIS_URL", ""), "redis:// URL for state shared by several instances (env VAXBOOK_REDIS_URL); empty: in-process")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", "vaxbook:", "prefix of every Redis key, so that deployments can share a server")
	fs.IntVar(&c.PhoneMaxInFlight, "phone-max-inflight", 200, "mobile-phone verifications in flight at the carrier at most")
	fs.Float64Var(&c.PhonePerSecond, "phone-per-second", 500, "mobile-phone verifications started per second at most")
	fs.IntVar(&c.ProviderMaxInFlight, "provider-max-inflight", 200, "verifications in flight at each certificate or simple-authentication provider")
	fs.Float64Var(&c.ProviderPerSecond, "provider-per-second", 500, "verifications started per second at each such provider")
	fs.StringVar(&c.CertRoots, "cert-roots", "", "PEM file of the CAs trusted for certificate sign-in (--demo: a development CA)")
	fs.StringVar(&c.OIDCProviders, "oidc-providers", "", "JSON file of the simple-authentication providers (--demo: development issuers)")
	fs.StringVar(&c.PublicURL, "public-url", "", "URL browsers reach this service at, e.g. https://vaxbook.example; empty: http://<addr>")
	fs.StringVar(&c.DevProviders, "dev-providers", "", "URL of vaxbook devproviders (--demo): use its issuers and CA instead of running them in this process")
	fs.DurationVar(&c.DevProviderLatency, "dev-provider-latency", 30*time.Millisecond, "latency of the development issuers and CA check (--demo)")
	fs.StringVar(&c.SMSGateway, "sms-gateway", "", "URL of the SMS/messenger gateway notifications are posted to (--demo: a development sink)")
	fs.StringVar(&c.SMSGatewayToken, "sms-gateway-token", "", "bearer token of the SMS gateway")
	fs.StringVar(&c.OpsAddr, "ops-addr", "", "operators' private listener for /metrics and Go's profiling endpoints, e.g. 127.0.0.1:9090 (never the public address)")
	fs.StringVar(&c.OpsAddr, "pprof-addr", "", "old name of --ops-addr")
	fs.IntVar(&c.BatchMax, "batch-max", 256, "bookings committed in one transaction, at most")
	fs.DurationVar(&c.BatchWait, "batch-wait", 2*time.Millisecond, "how long a booking waits for others to share its transaction")
	fs.DurationVar(&c.DevCarrierLatency, "dev-carrier-latency", 20*time.Millisecond, "latency of the development carrier (--demo)")
	fs.DurationVar(&c.StandbyOfferWindow, "standby-offer-window", vaxbook.DefaultOfferWindow, "how long a leftover dose offered from a same-day standby list waits for its acceptance (1m to 1h)")
	fs.BoolVar(&c.WaitingRoom, "waiting-room", true, "put verification and booking behind the waiting room")
	fs.Float64Var(&c.QueueRate, "queue-rate", 250, "admissions per second at first start")
	fs.BoolVar(&c.QueueAuto, "queue-auto", true, "let the controller set the admission rate from downstream latency and errors")
	fs.IntVar(&c.QueueMaxActive, "queue-max-active", 20000, "admitted people active at once, at most")
	fs.StringVar(&c.rawQueueSecret, "queue-secret", "", "secret (≥ 32 characters) signing waiting-room tokens (required outside --demo)")
	fs.StringVar(&c.OperatorToken, "operator-token", "", "bearer token of the operator API (≥ 32 characters; --demo makes one up and prints it)")
	fs.StringVar(&c.rawStaffKey, "staff-key", "", "secret (≥ 32 characters) signing clinic staff sessions; empty turns clinic sign-in off (--demo makes one up)")
	fs.BoolVar(&c.Demo, "demo", false, "load demo data and run the development identity providers")
	fs.IntVar(&c.DemoSites, "demo-sites", 14000, "number of demo vaccination sites")
	fs.Int64Var(&c.DemoSeed, "demo-seed", 2021, "seed of the synthetic demo data")
	fs.StringVar(&now, "now", "", "start the service clock at this RFC 3339 instant, e.g. 2021-08-12T19:59:00+09:00")
	fs.StringVar(&c.rawPersonKey, "person-key-secret", "", "secret keying person keys (required outside --demo)")
	fs.StringVar(&c.rawPhoneKey, "phone-key", "", "hex AES-256 key sealing phone numbers (required outside --demo)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", false, "mark cookies Secure even without an https --public-url (on by itself when --public-url is https)")
	fs.BoolVar(&c.InsecureHTTP, "insecure-http", false, "allow serving residents over plain HTTP outside --demo (tests only: cookies lose Secure, no HSTS)")
	fs.StringVar(&logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&proxies, "trusted-proxies", "", "comma-separated addresses or CIDRs of load balancers whose X-Forwarded-For names the client, e.g. 10.0.0.0/8")
	addLimitFlags(fs, &c)
	if err := ff.Parse(fs, args, ff.WithEnvVarPrefix("VAXBOOK")); err != nil {
		return c, fs, err
	}
	if err := c.validateLimits(); err != nil {
		return c, fs, err
	}
	if c.StandbyOfferWindow < time.Minute || c.StandbyOfferWindow > time.Hour {
		return c, fs, fmt.Errorf("--standby-offer-window %s: want 1m to 1h", c.StandbyOfferWindow)
	}
	if err := c.LogLevel.UnmarshalText([]byte(logLevel)); err != nil {
		return c, fs, fmt.Errorf("--log-level: %w", err)
	}
	var err error
	if c.TrustedProxies, err = api.ParseProxies(proxies); err != nil {
		return c, fs, fmt.Errorf("--trusted-proxies: %w", err)
	}
	if strings.HasPrefix(c.PublicURL, "https://") {
		c.SecureCookies = true
	}
	if now != "" {
		t, err := time.Parse(time.RFC3339, now)
		if err != nil {
			return c, fs, fmt.Errorf("--now %q: want an RFC 3339 instant such as 2021-08-12T19:59:00+09:00", now)
		}
		c.Now = t.In(vaxbook.Seoul)
	}
	return c, fs, nil
}

// checkTransport refuses to serve residents over plain HTTP outside the demo unless
// asked to explicitly: without an https public URL the session and device cookies lose
// Secure and the __Host- prefix and no HSTS is sent, which a production deployment
// must never do by omission.
func (c Config) checkTransport() error {
	if c.SecureCookies || c.Demo || c.InsecureHTTP {
		return nil
	}
	return errors.New("set --public-url https://… (the address residents use; cookies are then Secure and HSTS is sent), or --insecure-http for a test deployment over plain HTTP")
}

// loadSecrets validates the secrets and decodes them; in demo mode missing ones are the
// public demo keys, which are refused outside demo mode. Open calls it; calling it
// again changes nothing.
func (c *Config) loadSecrets() error {
	// A Config built in code (or checked before) carries the decoded secrets instead
	// of the flags' text; they are checked the same way.
	for _, s := range []struct {
		raw     *string
		decoded []byte
	}{
		{&c.rawPersonKey, c.PersonKeySecret}, {&c.rawQueueSecret, c.QueueSecret}, {&c.rawStaffKey, c.StaffKey},
	} {
		if *s.raw == "" {
			*s.raw = string(s.decoded)
		}
	}
	if c.rawPhoneKey == "" && len(c.PhoneKey) > 0 {
		c.rawPhoneKey = hex.EncodeToString(c.PhoneKey)
	}
	personKey, phoneKey := c.rawPersonKey, c.rawPhoneKey
	if personKey == "" && c.Demo {
		personKey = demoPersonKeySecret
	}
	if phoneKey == "" && c.Demo {
		phoneKey = demoPhoneKey
	}
	queueSecret := c.rawQueueSecret
	if queueSecret == "" && c.Demo {
		queueSecret = demoQueueSecret
	}
	if !c.Demo && queueSecret == demoQueueSecret {
		return errors.New("the demo keys may only be used with --demo")
	}
	if len(queueSecret) < 32 {
		return errors.New("--queue-secret (VAXBOOK_QUEUE_SECRET) must be at least 32 characters")
	}
	c.QueueSecret = []byte(queueSecret)
	if c.OperatorToken == "" && c.Demo {
		var b [24]byte
		rand.Read(b[:])
		c.OperatorToken, c.madeUpToken = hex.EncodeToString(b[:]), true
	}
	staffKey := c.rawStaffKey
	if staffKey == "" && c.Demo {
		var b [32]byte
		rand.Read(b[:])
		staffKey = hex.EncodeToString(b[:])
	}
	if staffKey != "" && len(staffKey) < 32 {
		return errors.New("--staff-key (VAXBOOK_STAFF_KEY) must be at least 32 characters")
	}
	c.StaffKey = []byte(staffKey)
	if c.OperatorToken != "" && len(c.OperatorToken) < 32 {
		return errors.New("--operator-token (VAXBOOK_OPERATOR_TOKEN) must be at least 32 characters")
	}
	if !c.Demo && (personKey == demoPersonKeySecret || phoneKey == demoPhoneKey) {
		return errors.New("the demo keys may only be used with --demo")
	}
	if len(personKey) < 32 {
		return errors.New("--person-key-secret (VAXBOOK_PERSON_KEY_SECRET) must be at least 32 characters")
	}
	k, err := hex.DecodeString(phoneKey)
	if err != nil || len(k) != 32 {
		return errors.New("--phone-key (VAXBOOK_PHONE_KEY) must be 64 hex digits (an AES-256 key)")
	}
	c.PersonKeySecret, c.PhoneKey = []byte(personKey), k
	return nil
}

// LogValue logs the configuration with its secrets masked, once at start-up.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("database", MaskURL(c.Database)),
		slog.String("redis", MaskURL(c.Redis)),
		slog.Int("phone_max_inflight", c.PhoneMaxInFlight),
		slog.Float64("phone_per_second", c.PhonePerSecond),
		slog.Bool("demo", c.Demo),
		slog.Int("demo_sites", c.DemoSites),
		slog.Time("now", c.Now),
		slog.String("person_key_secret", "***"),
		slog.String("phone_key", "***"),
		slog.String("queue_secret", "***"),
		slog.String("operator_token", "***"),
		slog.String("staff_key", "***"),
		slog.String("sms_gateway", MaskURL(c.SMSGateway)),
		slog.String("sms_gateway_token", "***"),
		slog.Bool("waiting_room", c.WaitingRoom),
		slog.Float64("queue_rate", c.QueueRate),
		slog.Bool("queue_auto", c.QueueAuto),
		slog.Bool("secure_cookies", c.SecureCookies),
		slog.Any("route_limits_per_minute", c.Limits),
		slog.Duration("outbox_sent_retention", c.OutboxRetention.Sent),
		slog.Duration("outbox_dead_retention", c.OutboxRetention.Dead),
		slog.Any("trusted_proxies", c.TrustedProxies),
		slog.Duration("standby_offer_window", c.StandbyOfferWindow),
	)
}

// MaskURL hides a password in a database URL.
func MaskURL(s string) string {
	at := strings.LastIndex(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 {
		return s
	}
	userinfo := s[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return s[:scheme+3] + userinfo[:i] + ":***" + s[at:]
	}
	return s
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
