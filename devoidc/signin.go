package devoidc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// SignIn plays the resident's browser at a development issuer, for tests and the load
// generator: it opens authURL (the relying party's redirect to the issuer), signs in
// the resident holding phone on the sign-in page, and returns the URL the issuer then
// redirects to, the relying party's callback with code and state (or error and
// state), without following it. The caller delivers it to the relying party with
// whatever cookies its own session holds.
//
// client's redirect policy is replaced for the two requests; its transport, jar and
// timeout are used as they are. Errors report an unexpected status, such as 503 from
// an issuer beyond its capacity (see IsBusy), or a page without the expected form.
func SignIn(ctx context.Context, client *http.Client, authURL, phone string) (*url.URL, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("devoidc: sign in: %w", err)
	}
	// The issuer's own pages lie under its path (the authorization endpoint's parent);
	// the first redirect elsewhere is the answer to the relying party.
	base := *u
	base.RawQuery, base.Path = "", strings.TrimSuffix(u.Path, "/authorize")
	c := *client
	var answer *url.URL
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != base.Host || !strings.HasPrefix(req.URL.Path, base.Path+"/") {
			answer = req.URL
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return nil
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, fmt.Errorf("devoidc: sign in: %w", err)
	}
	resp, err := do(&c, req)
	if err != nil || answer != nil {
		return answer, err
	}
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		return nil, fmt.Errorf("devoidc: sign in: %s is not the sign-in page", resp.Request.URL.Redacted())
	}
	login := *resp.Request.URL
	login.RawQuery = ""
	form := url.Values{"authRequestID": {id}, "phone": {phone}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, login.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("devoidc: sign in: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := do(&c, req); err != nil || answer != nil {
		return answer, err
	}
	return nil, errors.New("devoidc: sign in: the issuer did not redirect to the relying party")
}

// StatusError is an unexpected HTTP status from the issuer.
type StatusError struct{ Status int }

func (e *StatusError) Error() string { return fmt.Sprintf("devoidc: sign in: status %d", e.Status) }

// IsBusy reports whether err is the issuer refusing a request beyond its capacity.
func IsBusy(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == http.StatusServiceUnavailable
}

// do sends req and drains the response. A redirect to the relying party ends with the
// redirect response itself (ErrUseLastResponse), whatever its status.
func do(c *http.Client, req *http.Request) (*http.Response, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("devoidc: sign in: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Status: resp.StatusCode}
	}
	return resp, nil
}
