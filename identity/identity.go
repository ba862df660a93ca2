// Package identity holds what every verification method shares: the identity a provider
// vouches for, the person key derived from it, the sealing of phone numbers, and the
// parsing of the registration-number digit a resident types.
//
// Registration numbers are never stored or passed beyond parsing: a method turns a
// provider's answer into an Identity, and only its keyed hash (the person key) and the
// sealed phone number reach storage.
package identity

import (
	"context"

	"vaxbook"
)

// Identity is what a provider returns for a verified person. CI (연계정보) is the
// provider-independent identifier Korean providers return: 88 characters, the same for
// one person across every provider.
type Identity struct {
	CI      string
	Name    string
	Birth   vaxbook.Date
	Phone   string // digits only, e.g. "01012345678"
	Foreign bool
}

// Subscriber is a mobile subscription as a carrier knows it. The development carrier
// looks subscribers up in a Directory (the synthetic population); a real carrier answers
// over its own API.
type Subscriber struct {
	Identity
	Carrier string // "SKT", "KT", "LGU+", "MVNO"
	// Digit7 is the 7th digit of the registration number (sex and century, 1–8).
	Digit7 int
}

// Directory finds the subscriber of a phone number. The second result is false when the
// number has no subscriber.
type Directory interface {
	LookupPhone(ctx context.Context, phone string) (Subscriber, bool, error)
}
