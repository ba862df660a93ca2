package api

import (
	"time"

	"vaxbook"
	"vaxbook/inmem"
)

// Staff sign-in limits. A login is tried at most 10 times in 15 minutes from one
// address (a person mistyping, not a guesser), counted per login *and* address: a
// stranger elsewhere who types wrong passwords for a clinic's login spends only their
// own address's budget and never locks the staff member out. An address is tried at
// most 300 times (a guessing script spreading over many logins; a clinic's shared
// connection signing in its staff stays far below it). Every attempt counts.
const (
	StaffLoginWindow      = 15 * time.Minute
	StaffLoginsPerAccount = 10
	StaffLoginsPerAddr    = 300
)

// LoginLimits count staff sign-in attempts per login at an address (PerAccount) and
// per client address. Behind
// several instances they must be shared (package app passes Redis limiters when Redis
// is configured): a count per instance multiplies the limit by the number of instances.
type LoginLimits struct {
	PerAccount, PerAddr vaxbook.Limiter
}

// withDefaults fills the nil limiters with in-process ones at the limits above, which
// is right for one instance.
func (l LoginLimits) withDefaults() LoginLimits {
	if l.PerAccount == nil {
		l.PerAccount = inmem.NewLimiter(StaffLoginsPerAccount, StaffLoginWindow)
	}
	if l.PerAddr == nil {
		l.PerAddr = inmem.NewLimiter(StaffLoginsPerAddr, StaffLoginWindow)
	}
	return l
}
