package oidc

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"vaxbook/identity"
)

// TestTheDefaultClientKeepsProviderConnections: without a client of the caller's, the
// method's client is the one that keeps connections.
func TestTheDefaultClientKeepsProviderConnections(t *testing.T) {
	sealer, err := identity.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(t.Context(), nil, bytes.Repeat([]byte{1}, identity.MinSecretLen), sealer, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := m.client.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("default client's transport is %T, want the provider transport", m.client.Transport)
	}
	if tr.MaxIdleConnsPerHost != idlePerProvider {
		t.Errorf("default client keeps %d idle connections a provider, want %d", tr.MaxIdleConnsPerHost, idlePerProvider)
	}
}

// TestTheProviderClientReusesItsConnections: waves of token exchanges as many at once
// as a busy evening brings reuse the connections of the first wave; the standard
// transport's two idle connections a host dialled almost every exchange anew.
func TestTheProviderClientReusesItsConnections(t *testing.T) {
	var dialled atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	const wave, waves = 40, 3
	for _, tc := range []struct {
		name      string
		transport *http.Transport
		atMost    int64
		moreThan  int64
	}{
		// The first wave dials its 40; a connection returned a moment late may make the
		// next wave dial a few more, hence the margin either side of 2 × wave.
		{"provider transport", providerTransport(), 2 * wave, 0},
		{"standard transport (the control)", http.DefaultTransport.(*http.Transport).Clone(), waves * wave, 2 * wave},
	} {
		dialled.Store(0)
		client := &http.Client{Transport: tc.transport}
		for range waves {
			var wg sync.WaitGroup
			for range wave {
				wg.Go(func() {
					resp, err := client.Post(srv.URL, "application/x-www-form-urlencoded", nil)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
				})
			}
			wg.Wait()
		}
		tc.transport.CloseIdleConnections()
		if n := dialled.Load(); n > tc.atMost || n <= tc.moreThan {
			t.Errorf("%s: %d connections for %d waves of %d exchanges, want more than %d and at most %d", tc.name, n, waves, wave, tc.moreThan, tc.atMost)
		}
	}
}
