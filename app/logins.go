package app

import (
	"vaxbook/api"
	"vaxbook/redis"
)

// staffLoginLimits returns the staff sign-in limits: in Redis when the instances share
// one, so that a guesser spreading attempts over instances meets one count; the API's
// in-process limiters otherwise.
func staffLoginLimits(sh *shared, cfg Config) (api.LoginLimits, error) {
	if sh.rdb == nil {
		return api.LoginLimits{}, nil
	}
	var l api.LoginLimits
	var err error
	if l.PerAccount, err = redis.NewLimiter(sh.rdb, cfg.RedisPrefix+"slogin:", api.StaffLoginsPerAccount, api.StaffLoginWindow); err != nil {
		return l, err
	}
	if l.PerAddr, err = redis.NewLimiter(sh.rdb, cfg.RedisPrefix+"saddr:", api.StaffLoginsPerAddr, api.StaffLoginWindow); err != nil {
		return l, err
	}
	return l, nil
}
