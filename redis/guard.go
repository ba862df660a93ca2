package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
)

var _ vaxbook.Guard = (*Guard)(nil)

// Guard is the shared vaxbook.Guard. Per person it keeps one hash, "<prefix>guard:<person
// key>", holding the device of the last completed verification and the instant its
// window ends; the key expires with the window, so Redis holds only the persons
// verified in the last ten minutes.
//
// It behaves exactly as inmem.Guard: the same codes, messages and RetryAt (the
// redis tests compare the two error for error).
type Guard struct {
	rdb    goredis.UniversalClient
	prefix string
}

// NewGuard returns a Guard keeping its keys under prefix (DefaultPrefix if empty).
func NewGuard(rdb goredis.UniversalClient, prefix string) *Guard {
	return &Guard{rdb: rdb, prefix: keyPrefix(prefix)}
}

// guardComplete records a completion unless the person's window is still running, in
// one step, so that of two devices completing at once exactly one wins. It returns an
// empty array when it recorded, and {device, until} of the standing record otherwise.
//
// KEYS[1] the person's hash; ARGV: device, now, until (instants), expiry in ms.
var guardComplete = goredis.NewScript(luaInstant + `
local rec = redis.call('HMGET', KEYS[1], 'device', 'until')
if rec[1] and rec[2] and before(ARGV[2], rec[2]) then
  return {rec[1], rec[2]}
end
redis.call('HSET', KEYS[1], 'device', ARGV[1], 'until', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {}
`)

func (g *Guard) key(personKey string) string { return g.prefix + "guard:" + personKey }

// Check returns the error Complete would return now, without recording anything:
// CodeDeviceLocked when another device verified the person less than VerifyWindow ago,
// CodeVerifyTooSoon when the same device did, both with RetryAt at the end of the
// window; nil otherwise. Any other error is a failure to reach Redis.
func (g *Guard) Check(ctx context.Context, personKey, deviceID string, now time.Time) error {
	device, until, ok, err := g.load(ctx, personKey)
	if err != nil || !ok {
		return err
	}
	return guardRefusal(device, until, deviceID, now)
}

// Complete records a verification of the person on the device at now, unless Check
// would refuse it, in which case it returns the same error and records nothing.
func (g *Guard) Complete(ctx context.Context, personKey, deviceID string, now time.Time) error {
	until := now.Add(vaxbook.VerifyWindow)
	res, err := guardComplete.Run(ctx, g.rdb, []string{g.key(personKey)},
		deviceID, instantArg(now), instantArg(until), ttlMillis(vaxbook.SessionTTL)).StringSlice()
	if err != nil {
		return fmt.Errorf("redis guard complete: %w", err)
	}
	if len(res) == 0 {
		return nil
	}
	if len(res) != 2 {
		return fmt.Errorf("redis guard complete: unexpected reply %q", res)
	}
	standing, err := parseInstant(res[1])
	if err != nil {
		return fmt.Errorf("redis guard complete: %w", err)
	}
	return guardRefusal(res[0], standing, deviceID, now)
}

// Owner returns the device of the person's last verification if it completed less than
// SessionTTL before now.
func (g *Guard) Owner(ctx context.Context, personKey string, now time.Time) (string, bool, error) {
	device, until, ok, err := g.load(ctx, personKey)
	if err != nil || !ok || !now.Before(until.Add(vaxbook.SessionTTL-vaxbook.VerifyWindow)) {
		return "", false, err
	}
	return device, true, nil
}

// load reads the person's record; ok is false when there is none.
func (g *Guard) load(ctx context.Context, personKey string) (device string, until time.Time, ok bool, err error) {
	vals, err := g.rdb.HMGet(ctx, g.key(personKey), "device", "until").Result()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return "", time.Time{}, false, fmt.Errorf("redis guard load: %w", err)
	}
	if len(vals) != 2 {
		return "", time.Time{}, false, nil
	}
	device, ok1 := vals[0].(string)
	u, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return "", time.Time{}, false, nil
	}
	until, err = parseInstant(u)
	if err != nil {
		return "", time.Time{}, false, fmt.Errorf("redis guard load: %w", err)
	}
	return device, until, true, nil
}

// guardRefusal applies rules 6 and 7 to the standing record of a person (its device
// and the end of its window): before until another device is locked out and the same
// device must wait. The messages are inmem's, word for word, because users of either
// deployment must read the same thing; vaxbook could export one constructor for both.
func guardRefusal(standing string, until time.Time, deviceID string, now time.Time) error {
	if !now.Before(until) {
		return nil
	}
	if standing != deviceID {
		return vaxbook.RetryError(vaxbook.CodeDeviceLocked, until,
			"This person was verified on another device first. You may continue from this device after %s.",
			until.In(vaxbook.Seoul).Format("15:04"))
	}
	return vaxbook.RetryError(vaxbook.CodeVerifyTooSoon, until,
		"You verified less than 10 minutes ago. You may verify again after %s.",
		until.In(vaxbook.Seoul).Format("15:04"))
}
