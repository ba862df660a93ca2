package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// transports returns the shared HTTP transports. On a loopback target each one dials
// from its own 127.1.x.y source address, so the server sees the residents as coming
// from many addresses (see Options.SourceAddrs); connections are pooled per transport.
func transports(o Options, target *url.URL) []*http.Transport {
	n := 1
	ip := net.ParseIP(target.Hostname())
	loopback := ip != nil && ip.IsLoopback() && ip.To4() != nil
	if loopback && o.SourceAddrs > 0 {
		n = o.SourceAddrs
	}
	out := make([]*http.Transport, n)
	// Keep every connection a resident finished with for the next one: a capped idle
	// pool closed connections after each burst and dialled them again, a twelfth of
	// the load generator's CPU. Idle connections never outnumber those open at the
	// peak, which the concurrency bounds.
	perTransport := o.Concurrency
	for i := range out {
		d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
		if n > 1 {
			d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 1, byte(i>>8), byte(i))}
		}
		out[i] = &http.Transport{
			DialContext:         d.DialContext,
			MaxIdleConns:        0, // no bound but the one per host
			MaxIdleConnsPerHost: perTransport,
			// Shorter than the server's idle timeout (90 s), so that the client, not
			// the server, closes an idle connection: a request sent on a connection
			// the server is closing fails with EOF, and a POST is not retried.
			IdleConnTimeout: 60 * time.Second,
		}
	}
	return out
}

// client is one resident's device: its own cookie jar, a shared transport. It is
// dropped when the resident finishes, so a run keeps no per-resident state.
type client struct {
	base string
	http *http.Client
}

func newClient(base string, tr *http.Transport, timeout time.Duration) *client {
	return &client{base: base, http: &http.Client{
		Transport: tr, Jar: newJar(), Timeout: timeout,
		// Redirects are the OIDC flow's business (devoidc.SignIn follows its own).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// problem is an answer the flow did not expect: a problem document's code, or the
// HTTP status or transport failure when there is no code. Its Code keys the error
// counts of the result.
type problem struct {
	Code   string
	Status int
	Detail string
}

func (p *problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail) }

// codeOf names an error for the error counts.
func codeOf(err error) string {
	if p, ok := err.(*problem); ok {
		return p.Code
	}
	if err == context.Canceled || err == context.DeadlineExceeded {
		return "cancelled"
	}
	return "transport"
}

// bodies are the buffers answers are read into, reused: most answers are a few
// hundred bytes, and growing a fresh buffer for each was a good part of the load
// generator's allocations. Nothing decoded from one keeps a reference to it.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// do sends method path with body as JSON (when not nil) and decodes a 2xx answer into
// out (when not nil). Any other status comes back as a *problem.
func (c *client) do(ctx context.Context, method, path string, body, out any) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := path
	if len(path) > 0 && path[0] == '/' {
		u = c.base + path
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// A timeout says the server is slow; anything else that it is unreachable.
		code := "transport"
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			code = "timeout"
		}
		return nil, &problem{Code: code, Detail: err.Error()}
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, 1<<20))
	raw := buf.Bytes()
	if err != nil {
		return resp, &problem{Code: "transport", Status: resp.StatusCode, Detail: err.Error()}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp, nil // the caller reads Location
	}
	if resp.StatusCode >= 400 {
		p := &problem{Status: resp.StatusCode}
		if json.Unmarshal(raw, p) != nil || p.Code == "" {
			p.Code = fmt.Sprintf("http_%d", resp.StatusCode)
		}
		return resp, p
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp, &problem{Code: "bad_json", Status: resp.StatusCode, Detail: err.Error()}
		}
	}
	return resp, nil
}
