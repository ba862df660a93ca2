package phone

import (
	"context"

	"vaxbook/congestion"
	"vaxbook/identity"
)

// lined is a Carrier whose calls wait in the method's congestion line, so that the
// carrier is never asked for more than its capacity and the method's light shows it.
type lined struct {
	Carrier
	line congestion.Line
}

// WithLine returns carrier with every call run through line under the method Name.
// Only the calls to the carrier queue: refusals decided locally (a malformed claim, a
// rate limit) never take a slot, so they cannot make the light look better or worse.
func WithLine(carrier Carrier, line congestion.Line) Carrier {
	return lined{Carrier: carrier, line: line}
}

func (l lined) Verify(ctx context.Context, claim Claim) (identity.Identity, error) {
	var id identity.Identity
	err := congestion.Do(ctx, l.line, Name, func(ctx context.Context) error {
		var err error
		id, err = l.Carrier.Verify(ctx, claim)
		return err
	})
	return id, err
}

func (l lined) SendSMS(ctx context.Context, phone, text string) error {
	return congestion.Do(ctx, l.line, Name, func(ctx context.Context) error {
		return l.Carrier.SendSMS(ctx, phone, text)
	})
}
