package api

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// seenAddr sends a request from peer with the X-Forwarded-For values through realAddr
// and returns the client address the handlers see.
func seenAddr(t testing.TB, trusted []netip.Prefix, peer string, xff ...string) string {
	t.Helper()
	var got string
	h := realAddr(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = clientAddr(r) }), trusted)
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = peer
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	h.ServeHTTP(httptest.NewRecorder(), r)
	return got
}

func TestClientAddrBelievesOnlyTrustedProxies(t *testing.T) {
	trusted, err := ParseProxies("127.0.0.1, 10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"a direct client is its own address", "203.0.113.9:5123", nil, "203.0.113.9"},
		{"an untrusted peer's header is ignored", "203.0.113.9:5123", []string{"1.2.3.4"}, "203.0.113.9"},
		{"the balancer names the client", "127.0.0.1:40000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"inner proxies are skipped", "10.0.0.5:40000", []string{"198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"a forged left part does not win", "127.0.0.1:40000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"several header lines are one chain", "127.0.0.1:40000", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"a malformed hop stops the chain", "127.0.0.1:40000", []string{"198.51.100.7, bogus"}, "127.0.0.1"},
		{"no header: the balancer itself", "127.0.0.1:40000", nil, "127.0.0.1"},
		{"only trusted hops: the balancer itself", "127.0.0.1:40000", []string{"10.1.1.1"}, "127.0.0.1"},
		{"IPv6 clients and proxies", "[fd00::1]:40000", []string{"2001:db8::42"}, "2001:db8::42"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := seenAddr(t, trusted, c.peer, c.xff...); got != c.want {
				t.Errorf("client address %q, want %q", got, c.want)
			}
		})
	}
	t.Run("with no trusted proxies the header is never read", func(t *testing.T) {
		if got := seenAddr(t, nil, "127.0.0.1:40000", "198.51.100.7"); got != "127.0.0.1" {
			t.Errorf("client address %q, want the peer", got)
		}
	})
}

func TestParseProxiesRefusesGarbage(t *testing.T) {
	for _, bad := range []string{"localhost", "10.0.0.0/33", "1.2.3"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted it", bad)
		}
	}
	got, err := ParseProxies(" 10.1.2.3/8 ,, ::1 ")
	if err != nil || len(got) != 2 || got[0].String() != "10.0.0.0/8" || got[1].String() != "::1/128" {
		t.Errorf("ParseProxies = %v, %v", got, err)
	}
}

// FuzzClientAddr: whatever a trusted balancer forwards, the client address is the
// peer's or one of the addresses in the header, never anything else.
func FuzzClientAddr(f *testing.F) {
	f.Add("198.51.100.7, 10.0.0.9")
	f.Add("6.6.6.6,,bogus, 2001:db8::1")
	trusted, _ := ParseProxies("127.0.0.1,10.0.0.0/8")
	f.Fuzz(func(t *testing.T, xff string) {
		got := seenAddr(t, trusted, "127.0.0.1:1", xff)
		if got == "127.0.0.1" {
			return
		}
		a, err := netip.ParseAddr(got)
		if err != nil {
			t.Fatalf("client address %q is not an address", got)
		}
		for _, hop := range strings.Split(xff, ",") {
			if h, err := netip.ParseAddr(strings.TrimSpace(hop)); err == nil && h.Unmap() == a {
				return
			}
		}
		t.Fatalf("client address %q is neither the peer nor in %q", got, xff)
	})
}

func TestLimitAddrKeysIPv6ByItsSlash64(t *testing.T) {
	key := func(peer string) string {
		var got string
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = limitAddr(r) })
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		h.ServeHTTP(httptest.NewRecorder(), r)
		return got
	}
	if a, b := key("[2001:db8:1:2::1]:1"), key("[2001:db8:1:2:ffff::9]:1"); a != b || a != "2001:db8:1:2::/64" {
		t.Errorf("two addresses of one /64 keyed %q and %q, want both 2001:db8:1:2::/64", a, b)
	}
	if a, b := key("[2001:db8:1:2::1]:1"), key("[2001:db8:1:3::1]:1"); a == b {
		t.Errorf("two /64s share the key %q", a)
	}
	if got := key("198.51.100.7:1"); got != "198.51.100.7" {
		t.Errorf("IPv4 keyed %q, want the address", got)
	}
}
