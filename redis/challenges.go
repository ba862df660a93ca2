package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/phone"
)

var _ phone.Challenges = (*Challenges)(nil)

// minChallengeTTL keeps a challenge put with no time left for a moment, as the
// in-process store would, so that Confirm reports it expired rather than never sent.
const minChallengeTTL = time.Second

// Challenges is the shared phone.Challenges. Each device's challenge is one hash,
// "<prefix>challenge:<device>", with the record ("rec") and the attempt count ("att")
// apart, so that Attempt can count with HINCRBY instead of rewriting the record. The
// key expires when the code does, counted from IssuedAt.
//
// The record holds the verified identity (name, birth date, phone, CI). With a Sealer
// it is sealed with AES-256-GCM, so a dump of Redis yields no identities; without one
// (nil) it is stored as plain JSON, which suits development only. The sealed record
// names its device, and a record found under another device's key fails to load, so
// that whoever can write to Redis cannot move a challenge to another browser.
type Challenges struct {
	rdb    goredis.UniversalClient
	prefix string
	sealer *identity.Sealer
}

// NewChallenges returns a store keeping its keys under prefix (DefaultPrefix if empty)
// and sealing records with sealer, or storing them plain if sealer is nil.
func NewChallenges(rdb goredis.UniversalClient, prefix string, sealer *identity.Sealer) *Challenges {
	return &Challenges{rdb: rdb, prefix: keyPrefix(prefix), sealer: sealer}
}

// challengeAttempt adds one to the attempt count of an existing challenge and returns
// the record with the new count, or nil when there is none. One script, so parallel
// guesses each get their own count and a missing challenge is never recreated.
var challengeAttempt = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local n = redis.call('HINCRBY', KEYS[1], 'att', 1)
return {redis.call('HGET', KEYS[1], 'rec'), n}
`)

// challengeRecord is a Pending without its attempt count, as stored.
type challengeRecord struct {
	Device    string            `json:"device"`
	CodeMAC   []byte            `json:"code_mac"`
	Identity  identity.Identity `json:"identity"`
	PersonKey string            `json:"person_key"`
	IssuedAt  time.Time         `json:"issued_at"`
	ExpiresAt time.Time         `json:"expires_at"`
}

func (s *Challenges) key(deviceID string) string { return s.prefix + "challenge:" + deviceID }

// Put implements phone.Challenges. It replaces the record and the count together.
func (s *Challenges) Put(ctx context.Context, deviceID string, p phone.Pending) error {
	rec, err := s.encode(deviceID, p)
	if err != nil {
		return err
	}
	ttl := max(p.ExpiresAt.Sub(p.IssuedAt), minChallengeTTL)
	key := s.key(deviceID)
	_, err = s.rdb.TxPipelined(ctx, func(tx goredis.Pipeliner) error {
		tx.HSet(ctx, key, "rec", rec, "att", p.Attempts)
		tx.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redis challenge put: %w", err)
	}
	return nil
}

// Get implements phone.Challenges.
func (s *Challenges) Get(ctx context.Context, deviceID string) (phone.Pending, bool, error) {
	vals, err := s.rdb.HMGet(ctx, s.key(deviceID), "rec", "att").Result()
	if err != nil {
		return phone.Pending{}, false, fmt.Errorf("redis challenge get: %w", err)
	}
	rec, ok1 := vals[0].(string)
	att, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return phone.Pending{}, false, nil
	}
	n, err := strconv.Atoi(att)
	if err != nil {
		return phone.Pending{}, false, fmt.Errorf("redis challenge get: attempts %q", att)
	}
	p, err := s.decode(deviceID, rec, n)
	return p, err == nil, err
}

// Attempt implements phone.Challenges.
func (s *Challenges) Attempt(ctx context.Context, deviceID string) (phone.Pending, bool, error) {
	res, err := challengeAttempt.Run(ctx, s.rdb, []string{s.key(deviceID)}).Slice()
	if errors.Is(err, goredis.Nil) {
		return phone.Pending{}, false, nil
	}
	if err != nil {
		return phone.Pending{}, false, fmt.Errorf("redis challenge attempt: %w", err)
	}
	if len(res) != 2 {
		return phone.Pending{}, false, fmt.Errorf("redis challenge attempt: unexpected reply %v", res)
	}
	rec, ok1 := res[0].(string)
	n, ok2 := res[1].(int64)
	if !ok1 || !ok2 {
		return phone.Pending{}, false, fmt.Errorf("redis challenge attempt: unexpected reply %v", res)
	}
	p, err := s.decode(deviceID, rec, int(n))
	return p, err == nil, err
}

// Delete implements phone.Challenges.
func (s *Challenges) Delete(ctx context.Context, deviceID string) error {
	if err := s.rdb.Del(ctx, s.key(deviceID)).Err(); err != nil {
		return fmt.Errorf("redis challenge delete: %w", err)
	}
	return nil
}

// encode serialises p without its count, sealed if the store has a Sealer.
func (s *Challenges) encode(deviceID string, p phone.Pending) ([]byte, error) {
	b, err := json.Marshal(challengeRecord{
		Device: deviceID, CodeMAC: p.CodeMAC, Identity: p.Identity,
		PersonKey: p.PersonKey, IssuedAt: p.IssuedAt, ExpiresAt: p.ExpiresAt,
	})
	if err != nil {
		return nil, fmt.Errorf("redis challenge encode: %w", err)
	}
	if s.sealer == nil {
		return b, nil
	}
	sealed, err := s.sealer.Seal(string(b))
	if err != nil {
		return nil, fmt.Errorf("redis challenge seal: %w", err)
	}
	return sealed, nil
}

// decode is the inverse of encode. A record that does not open, or that names another
// device, is an internal error, never a missing challenge: it means tampering or a
// changed key, which an operator must see.
func (s *Challenges) decode(deviceID, rec string, attempts int) (phone.Pending, error) {
	plain := rec
	if s.sealer != nil {
		var err error
		if plain, err = s.sealer.Open([]byte(rec)); err != nil {
			return phone.Pending{}, fmt.Errorf("redis challenge open: %w", err)
		}
	}
	var r challengeRecord
	if err := json.Unmarshal([]byte(plain), &r); err != nil {
		return phone.Pending{}, fmt.Errorf("redis challenge decode: %w", err)
	}
	if r.Device != deviceID {
		return phone.Pending{}, errors.New("redis challenge decode: record belongs to another device")
	}
	return phone.Pending{
		CodeMAC: r.CodeMAC, Identity: r.Identity, PersonKey: r.PersonKey,
		IssuedAt: r.IssuedAt.In(vaxbook.Seoul), ExpiresAt: r.ExpiresAt.In(vaxbook.Seoul), Attempts: attempts,
	}, nil
}
