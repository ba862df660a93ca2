package api_test

import (
	"net/http"
	"testing"

	"vaxbook"
	"vaxbook/api"
)

func TestSecurityHeaders(t *testing.T) {
	backends(t, func(t *testing.T, s vaxbook.Store) {
		for _, tc := range []struct {
			name string
			tls  bool
		}{{"plain HTTP", false}, {"behind TLS", true}} {
			t.Run(tc.name, func(t *testing.T) {
				h := newHarnessWith(t, s, func(cfg *api.Config, _ vaxbook.Clock) { cfg.SecureCookies = tc.tls })
				resp, err := http.Get(h.srv.URL + "/api/v1/campaigns")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				for name, want := range map[string]string{
					"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
					"X-Content-Type-Options":  "nosniff",
					"X-Frame-Options":         "DENY",
				} {
					if got := resp.Header.Get(name); got != want {
						t.Errorf("%s = %q, want %q", name, got, want)
					}
				}
				if hsts := resp.Header.Get("Strict-Transport-Security"); (hsts != "") != tc.tls {
					t.Errorf("Strict-Transport-Security = %q with TLS %v", hsts, tc.tls)
				}
			})
		}
	})
}
