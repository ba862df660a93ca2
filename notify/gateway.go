package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"vaxbook/identity"
)

// GatewayConfig configures a GatewaySender. Zero values take the defaults.
type GatewayConfig struct {
	// Client sends the requests; its Timeout bounds one attempt (default 5 s).
	Client *http.Client
	// Attempts is how many times one Send tries (default 3). The worker retries the
	// message later with a longer backoff after that.
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each next one
	// (default 200 ms).
	Backoff time.Duration
	// Token, if set, is sent as a bearer token.
	Token string
	// Texts writes the texts (default: sites named by number, no lookup).
	Texts *Texts
}

// GatewaySender posts messages to the HTTP API of an SMS/messenger provider as JSON
// with an Idempotency-Key header, so that a message posted twice is delivered once.
type GatewaySender struct {
	url    string
	sealer *identity.Sealer
	cfg    GatewayConfig
}

// NewGatewaySender returns a sender posting to url, opening phones with sealer.
func NewGatewaySender(url string, sealer *identity.Sealer, cfg GatewayConfig) *GatewaySender {
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 200 * time.Millisecond
	}
	if cfg.Texts == nil {
		cfg.Texts = NewTexts(nil)
	}
	return &GatewaySender{url: url, sealer: sealer, cfg: cfg}
}

// GatewayRequest is the JSON body a GatewaySender posts.
type GatewayRequest struct {
	To   string `json:"to"`
	Kind string `json:"kind"`
	Text string `json:"text"`
}

// Send implements Sender. It retries on network errors, timeouts, 429 and 5xx; any
// other 4xx is permanent. The decrypted phone lives only in this call's request body.
func (g *GatewaySender) Send(ctx context.Context, m Message) error {
	phone, err := openPhone(g.sealer, m)
	if err != nil {
		return err
	}
	text, err := g.cfg.Texts.Render(ctx, m)
	if err != nil {
		return err
	}
	body, err := json.Marshal(GatewayRequest{To: phone, Kind: string(m.Kind), Text: text})
	if err != nil {
		return Permanent(err)
	}
	wait := g.cfg.Backoff
	for attempt := 1; ; attempt++ {
		err = g.post(ctx, m.IdempotencyKey, body)
		if err == nil || IsPermanent(err) || attempt >= g.cfg.Attempts || ctx.Err() != nil {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		}
		wait *= 2
	}
}

func (g *GatewaySender) post(ctx context.Context, key string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	if g.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.cfg.Token)
	}
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		// The URL is the gateway's, never the phone: safe in an error stored as
		// last_error.
		return fmt.Errorf("gateway: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("gateway: %s", resp.Status)
	default:
		return Permanent(fmt.Errorf("gateway: %s", resp.Status))
	}
}
