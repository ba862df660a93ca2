package vaxbook

import "time"

// Person is a verified resident. Key is a keyed hash of the identity the provider
// returned (the CI), never a registration number; PhoneEnc is the phone number sealed
// with AES-GCM by the identity package.
type Person struct {
	Key      string
	Name     string
	Birth    Date
	PhoneEnc []byte
	// Foreign is true for registered foreigners (7th digit 5–8).
	Foreign bool
}

// Session is a browser's server-side session. The cookie carries a random id; storage
// keeps only its SHA-256 (IDHash), so a leaked table gives no usable cookies. A session
// is anonymous until an identity verification completes on it, and only the verified
// person can book through it (rule 5).
type Session struct {
	IDHash     string
	PersonKey  string // empty until verified
	Method     string // the verification method that set PersonKey
	CreatedAt  time.Time
	VerifiedAt time.Time
	ExpiresAt  time.Time
}

// Verified reports whether a person verified on the session and it has not expired at t.
func (s Session) Verified(t time.Time) bool {
	return s.PersonKey != "" && t.Before(s.ExpiresAt)
}

// Resident is the verified person behind a request and the device they verified on:
// what the sign-in gives every resident-facing service.
type Resident struct {
	Person   Person
	DeviceID string
}
