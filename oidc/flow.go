package oidc

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"vaxbook"
	"vaxbook/identity"
)

// maxCode bounds the authorization code a callback may carry. Real providers' codes are
// well under a hundred characters; the bound keeps a forged one from being forwarded.
const maxCode = 2048

// Begin starts a sign-in with the named provider on a device. It returns the provider's
// authorization URL, to which the resident is redirected, and the state cookie value,
// which must come back to Finish with the callback. The cookie holds the state, nonce
// and PKCE verifier, sealed, and expires StateTTL after now.
//
// Errors: CodeInvalidInput without a device ID; CodeNotFound for an unknown provider;
// CodeUnavailable when the provider's discovery document cannot be fetched.
func (m *Method) Begin(ctx context.Context, providerName, deviceID string, now time.Time) (authURL, stateCookie string, err error) {
	if deviceID == "" {
		return "", "", vaxbook.Errorf(vaxbook.CodeInvalidInput, "Your browser session is missing; reload the page.")
	}
	p, err := m.provider(providerName)
	if err != nil {
		return "", "", err
	}
	_, oc, _, err := m.endpoints(ctx, p)
	if err != nil {
		return "", "", err
	}
	s := loginState{
		Provider: p.cfg.Name,
		State:    random(),
		Nonce:    random(),
		Verifier: oauth2.GenerateVerifier(),
		Device:   deviceHash(deviceID),
		Expires:  now.Add(StateTTL).Unix(),
	}
	cookie, err := s.seal(m.sealer)
	if err != nil {
		return "", "", fmt.Errorf("oidc: seal state: %w", err)
	}
	return oc.AuthCodeURL(s.State, gooidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier)), cookie, nil
}

// Finish completes a sign-in from the provider's redirect back: the query of the
// callback URL and the state cookie Begin returned. It exchanges the code (with the
// PKCE verifier) for tokens, verifies the ID token's signature, issuer, audience and
// expiry, compares its nonce, reads the identity from its claims (and from the
// userinfo endpoint when the provider is so configured), and returns the identity and
// its person key. The verification limits are the sign-in service's (package signin).
//
// Every refusal leaves nothing recorded. Errors: CodeNotFound for an unknown provider;
// CodeVerifyFailed for a missing, forged or expired state cookie, a cookie from
// another device or provider, a state that does not match it, an error from the
// provider (the resident cancelled), a code the provider refuses (replayed or
// expired), an ID token that fails verification or carries another nonce, and missing
// or malformed claims; CodeInvalidInput for a callback without exactly one code;
// CodeUnavailable when the provider cannot be reached.
func (m *Method) Finish(ctx context.Context, providerName, deviceID, stateCookie string, query url.Values, now time.Time) (identity.Identity, string, error) {
	p, err := m.provider(providerName)
	if err != nil {
		return identity.Identity{}, "", err
	}
	s, err := openState(m.sealer, stateCookie, p.cfg.Name, deviceID, now)
	if err != nil {
		return identity.Identity{}, "", err
	}
	code, err := callbackCode(query, s.State)
	if err != nil {
		return identity.Identity{}, "", err
	}
	op, oc, verifier, err := m.endpoints(ctx, p)
	if err != nil {
		return identity.Identity{}, "", err
	}
	ctx = m.clientContext(ctx)
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(s.Verifier))
	if err != nil {
		return identity.Identity{}, "", exchangeError(p.cfg.Name, err)
	}
	claims, err := m.claims(ctx, p, op, verifier, tok, s.Nonce)
	if err != nil {
		return identity.Identity{}, "", err
	}
	id, err := identityFrom(claims, p.cfg)
	if err != nil {
		return identity.Identity{}, "", err
	}
	return id, identity.PersonKey(m.secret, id.CI), nil
}

// callbackCode checks the callback's query against the state the login started with
// and returns its authorization code. The state is compared first: an answer to
// another login, even an error, is not this login's business.
func callbackCode(q url.Values, state string) (string, error) {
	if len(q["state"]) != 1 || !equal(q.Get("state"), state) {
		return "", vaxbook.Errorf(vaxbook.CodeVerifyFailed,
			"This sign-in does not match the one started on this device. Please start again.")
	}
	if q.Has("error") {
		// access_denied when the resident cancels; anything else is the provider's
		// refusal. Its description is the provider's text, not fit to show.
		return "", vaxbook.Errorf(vaxbook.CodeVerifyFailed,
			"The provider did not confirm your identity. Please try again or choose another method.")
	}
	codes := q["code"]
	if len(codes) != 1 || codes[0] == "" || len(codes[0]) > maxCode {
		return "", vaxbook.Errorf(vaxbook.CodeInvalidInput, "The provider's answer is incomplete. Please start again.")
	}
	return codes[0], nil
}

// claims returns the verified claims of the token response: those of the ID token,
// whose nonce must be the login's, overlaid with the userinfo endpoint's when the
// provider is configured for it. A provider without ID tokens (plain OAuth 2.0) relies
// on the state, PKCE and its client secret instead of the nonce.
func (m *Method) claims(ctx context.Context, p *provider, op *gooidc.Provider, v *gooidc.IDTokenVerifier, tok *oauth2.Token, nonce string) (map[string]any, error) {
	claims := map[string]any{}
	raw, _ := tok.Extra("id_token").(string)
	var subject string
	switch {
	case raw != "":
		idt, err := v.Verify(ctx, raw)
		if err != nil {
			return nil, badToken(p.cfg.Name, err)
		}
		// go-oidc leaves the nonce to its caller. Without this check a token issued
		// for another login (one an attacker started) would be accepted here.
		if !equal(idt.Nonce, nonce) {
			return nil, badToken(p.cfg.Name, errors.New("nonce mismatch"))
		}
		if idt.AccessTokenHash != "" {
			if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
				return nil, badToken(p.cfg.Name, err)
			}
		}
		if err := idt.Claims(&claims); err != nil {
			return nil, badToken(p.cfg.Name, err)
		}
		subject = idt.Subject
	case !p.cfg.UserInfo:
		return nil, badToken(p.cfg.Name, errors.New("token response has no id_token"))
	}
	if !p.cfg.UserInfo {
		return claims, nil
	}
	ui, err := op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, errors.Join(unavailable(), fmt.Errorf("oidc: %s userinfo: %w", p.cfg.Name, err))
		}
		return nil, badToken(p.cfg.Name, fmt.Errorf("userinfo: %w", err))
	}
	// OpenID Connect Core 5.3.2: userinfo about another subject must not be used.
	if raw != "" && ui.Subject != "" && ui.Subject != subject {
		return nil, badToken(p.cfg.Name, errors.New("userinfo subject differs from the ID token's"))
	}
	more := map[string]any{}
	if err := ui.Claims(&more); err != nil {
		return nil, badToken(p.cfg.Name, fmt.Errorf("userinfo: %w", err))
	}
	maps.Copy(claims, more)
	return claims, nil
}

// exchangeError classifies a failed code exchange: the provider's refusal (4xx, as
// for a replayed or expired code) fails the verification; a provider that is down,
// slow or overloaded (5xx, transport errors) is unavailable, so the resident may
// retry or pick a less congested method.
func exchangeError(provider string, err error) error {
	wrapped := fmt.Errorf("oidc: %s code exchange: %w", provider, err)
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500 {
		return errors.Join(unavailable(), wrapped)
	}
	var ue *url.Error
	if errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded) {
		return errors.Join(unavailable(), wrapped)
	}
	return errors.Join(vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The sign-in could not be completed; it may have been used already. Please start again."), wrapped)
}

// badToken is the refusal of a token or claims that fail verification. The detail is
// kept for the log, not shown.
func badToken(provider string, err error) error {
	return errors.Join(vaxbook.Errorf(vaxbook.CodeVerifyFailed,
		"The provider's answer could not be verified. Please start again."),
		fmt.Errorf("oidc: %s token: %w", provider, err))
}
