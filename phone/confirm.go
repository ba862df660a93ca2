package phone

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"vaxbook"
	"vaxbook/identity"
)

// Confirm completes a verification with the code the resident received and returns the
// verified identity and its person key. The code is spent. The verification limits of
// rules 6 and 7 are the sign-in service's to apply (package signin), as for every
// method; Start only checked them early, to send no code that could not lead anywhere.
//
// Errors: CodeInvalidInput for a code that is not six digits (not counted as an
// attempt); CodeCodeExpired when the device has no challenge or it expired;
// CodeCodeMismatch for a wrong code, with the attempts left in the message;
// CodeTooManyAttempts when the attempts are used up, which ends the challenge.
func (m *Method) Confirm(ctx context.Context, deviceID, code string, now time.Time) (identity.Identity, string, error) {
	code = strings.TrimSpace(code)
	if !isCode(code) {
		return identity.Identity{}, "", vaxbook.Errorf(vaxbook.CodeInvalidInput, "Enter the 6-digit code from the text message.")
	}
	p, ok, err := m.challenges.Attempt(ctx, deviceID)
	if err != nil {
		return identity.Identity{}, "", fmt.Errorf("load phone challenge: %w", err)
	}
	if !ok || !now.Before(p.ExpiresAt) {
		if ok {
			m.end(ctx, deviceID)
		}
		return identity.Identity{}, "", vaxbook.Errorf(vaxbook.CodeCodeExpired,
			"The code has expired or was never sent. Please request a new code.")
	}
	// Parallel guesses can push the count past the limit; none of them is judged.
	if p.Attempts > m.cfg.MaxAttempts {
		m.end(ctx, deviceID)
		return identity.Identity{}, "", tooManyAttempts()
	}
	// The MACs are compared in constant time so the response time tells nothing
	// about how close a guess was.
	if subtle.ConstantTimeCompare(codeMAC(m.cfg.Secret, deviceID, code), p.CodeMAC) != 1 {
		left := m.cfg.MaxAttempts - p.Attempts
		if left <= 0 {
			m.end(ctx, deviceID)
			return identity.Identity{}, "", tooManyAttempts()
		}
		return identity.Identity{}, "", vaxbook.Errorf(vaxbook.CodeCodeMismatch,
			"The code is wrong. %d attempt(s) left.", left)
	}
	m.end(ctx, deviceID)
	return p.Identity, p.PersonKey, nil
}

// end deletes the device's challenge. A failed delete is not reported: the challenge
// expires on its own, and its code can no longer complete a verification the Guard has
// just recorded or refused.
func (m *Method) end(ctx context.Context, deviceID string) {
	_ = m.challenges.Delete(context.WithoutCancel(ctx), deviceID)
}

func tooManyAttempts() error {
	return vaxbook.Errorf(vaxbook.CodeTooManyAttempts,
		"Too many wrong codes. Please request a new code.")
}
