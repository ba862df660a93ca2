package app

import (
	"context"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/phone"
)

// unavailablePhone stands in for the mobile-phone method when no carrier is configured.
type unavailablePhone struct{}

func (unavailablePhone) Start(context.Context, string, phone.Claim, time.Time) (phone.Challenge, error) {
	return phone.Challenge{}, vaxbook.Errorf(vaxbook.CodeUnavailable, "verification by mobile phone is not available")
}

func (unavailablePhone) Confirm(context.Context, string, string, time.Time) (identity.Identity, string, error) {
	return identity.Identity{}, "", vaxbook.Errorf(vaxbook.CodeUnavailable, "verification by mobile phone is not available")
}
