package loadgen

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// jar is one resident's cookies. net/http/cookiejar does the whole of RFC 6265 for any
// site (public suffixes, domain cookies, sorting by path and age) and was 6 % of the
// load generator's CPU; a resident talks to two known hosts, the service and the
// development providers, which set host-only cookies with a path. So cookies are kept
// per host and name and sent where their path matches; a Max-Age ≤ 0 or an Expires in
// the past deletes one.
type jar struct {
	mu    sync.Mutex
	hosts map[string][]*http.Cookie
}

func newJar() *jar { return &jar{hosts: map[string][]*http.Cookie{}} }

// SetCookies implements http.CookieJar.
func (j *jar) SetCookies(u *url.URL, cookies []*http.Cookie) {
	now := time.Now()
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := j.hosts[u.Host]
	for _, c := range cookies {
		path := c.Path
		if path == "" || path[0] != '/' {
			path = "/"
		}
		gone := c.MaxAge < 0 || (!c.Expires.IsZero() && !c.Expires.After(now))
		i := 0
		for ; i < len(kept); i++ {
			if kept[i].Name == c.Name && kept[i].Path == path {
				break
			}
		}
		switch {
		case gone && i < len(kept):
			kept = append(kept[:i], kept[i+1:]...)
		case gone:
		case i < len(kept):
			kept[i] = &http.Cookie{Name: c.Name, Value: c.Value, Path: path}
		default:
			kept = append(kept, &http.Cookie{Name: c.Name, Value: c.Value, Path: path})
		}
	}
	j.hosts[u.Host] = kept
}

// Cookies implements http.CookieJar.
func (j *jar) Cookies(u *url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*http.Cookie
	path := u.Path
	if path == "" {
		path = "/"
	}
	for _, c := range j.hosts[u.Host] {
		if pathMatch(path, c.Path) {
			out = append(out, c)
		}
	}
	return out
}

// pathMatch is RFC 6265's path-match: the cookie's path is the request's, or a prefix
// of it ending at a slash.
func pathMatch(reqPath, cookiePath string) bool {
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return len(reqPath) == len(cookiePath) || strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}
