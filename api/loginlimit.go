package api

import (
	"time"

	"vaxbook/phone"
)

// Staff sign-in limits: a login is tried at most 10 times in 15 minutes (a person
// mistyping, not a guesser), and an address at most 60 times (a clinic's shared
// connection signing in several staff members). Every attempt counts, failed or not.
const (
	StaffLoginWindow      = 15 * time.Minute
	StaffLoginsPerAccount = 10
	StaffLoginsPerAddr    = 60
)

// LoginLimits count staff sign-in attempts per login and per client address. Behind
// several instances they must be shared (cmd/vaxbook passes Redis limiters when Redis
// is configured): a count per instance multiplies the limit by the number of instances.
type LoginLimits struct {
	PerAccount, PerAddr phone.Limiter
}

// withDefaults fills the nil limiters with in-process ones at the limits above, which
// is right for one instance.
func (l LoginLimits) withDefaults() LoginLimits {
	if l.PerAccount == nil {
		l.PerAccount = phone.NewMemLimiter(StaffLoginsPerAccount, StaffLoginWindow)
	}
	if l.PerAddr == nil {
		l.PerAddr = phone.NewMemLimiter(StaffLoginsPerAddr, StaffLoginWindow)
	}
	return l
}
