package devoidc

import (
	"context"
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"vaxbook/identity"
)

//go:embed login.html
var loginHTML string

var loginPage = template.Must(template.New("login").Parse(loginHTML))

// Messages of the sign-in page, in Korean and English.
const (
	msgExpired  = "인증 요청이 만료되었습니다. 처음부터 다시 시작해 주세요. · This sign-in has expired. Please go back and start again."
	msgNotFound = "해당 주민을 찾을 수 없습니다. 휴대폰 번호나 주민 번호를 확인해 주세요. · No resident has this number. Check the mobile number or index."
)

type loginView struct {
	Label         string
	Action        string
	AuthRequestID string
	Error         string
	Phone         string
	Population    int
	Examples      []example
}

type example struct {
	Name, Birth, Phone string
}

// showLogin renders the sign-in page of a pending authorization request.
func (i *Issuer) showLogin(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	if _, err := i.storage.AuthRequestByID(r.Context(), id); err != nil {
		i.render(w, http.StatusBadRequest, loginView{Label: i.cfg.Label, Error: msgExpired})
		return
	}
	i.render(w, http.StatusOK, i.view(id, "", ""))
}

// postLogin signs a resident in, by mobile number or index, and sends the browser back
// through the library's callback, which issues the code and redirects to the relying
// party. It is a plain form POST, so a load generator can follow it without a browser.
func (i *Issuer) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "malformed form", http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get("authRequestID")
	req, err := i.storage.AuthRequestByID(r.Context(), id)
	if err != nil {
		i.render(w, http.StatusBadRequest, loginView{Label: i.cfg.Label, Error: msgExpired})
		return
	}
	if r.PostForm.Has("cancel") {
		// As at a real provider, cancelling sends error=access_denied to the relying
		// party, with its state.
		_ = i.storage.DeleteAuthRequest(r.Context(), id)
		op.AuthRequestError(w, r, req, oidc.ErrAccessDenied().WithDescription("the resident cancelled"), i.provider)
		return
	}
	res, ok, err := i.find(r.Context(), r.PostForm)
	if err != nil {
		slog.ErrorContext(r.Context(), "devoidc: look up resident", "brand", i.cfg.Brand, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if !ok {
		i.render(w, http.StatusBadRequest, i.view(id, r.PostForm.Get("phone"), msgNotFound))
		return
	}
	if err := i.storage.complete(id, res.Identity); err != nil {
		i.render(w, http.StatusBadRequest, loginView{Label: i.cfg.Label, Error: msgExpired})
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), i.cfg.Issuer)
	http.Redirect(w, r, op.AuthCallbackURL(i.provider)(ctx, id), http.StatusSeeOther)
}

// find returns the resident the form names: by mobile number when one is given, else by
// index.
func (i *Issuer) find(ctx context.Context, form url.Values) (identity.Subscriber, bool, error) {
	if p := strings.TrimSpace(form.Get("phone")); p != "" {
		phone, err := identity.NormalizePhone(p)
		if err != nil {
			return identity.Subscriber{}, false, nil
		}
		return i.cfg.Residents.LookupPhone(ctx, phone)
	}
	n, err := strconv.Atoi(strings.TrimSpace(form.Get("resident")))
	if err != nil || n < 0 || n >= i.cfg.Residents.Len() {
		return identity.Subscriber{}, false, nil
	}
	return i.cfg.Residents.Resident(n), true, nil
}

// view returns the sign-in page of a request, offering the first residents as
// examples. Residents are synthetic, so showing their numbers discloses nothing.
func (i *Issuer) view(id, phone, msg string) loginView {
	v := loginView{Label: i.cfg.Label, Action: i.path + "/login", AuthRequestID: id, Error: msg, Phone: phone, Population: i.cfg.Residents.Len()}
	v.Examples = i.examples
	return v
}

// exampleResidents returns the first residents, whom the sign-in page offers to pick.
func exampleResidents(cfg Config) []example {
	var out []example
	for n := range min(cfg.Examples, cfg.Residents.Len()) {
		r := cfg.Residents.Resident(n)
		out = append(out, example{Name: r.Name, Birth: r.Birth.String(), Phone: r.Phone})
	}
	return out
}

func (i *Issuer) render(w http.ResponseWriter, status int, v loginView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := loginPage.Execute(w, v); err != nil {
		slog.Error("devoidc: render sign-in page", "error", err)
	}
}
