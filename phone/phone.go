// Package phone is the mobile-phone identity verification method: the resident's
// carrier confirms name, birth date, 7th digit and phone number, then a one-time code
// sent by SMS proves the resident holds that phone.
package phone

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"vaxbook"
	"vaxbook/identity"
)

// Name is the method's name, as recorded in vaxbook.Session.Method.
const Name = "phone"

// Config is the method's settings. Zero durations and counts take the defaults.
type Config struct {
	// Secret is the person-key secret (identity.PersonKey), also used for the code
	// MACs and the phone-number rate-limit keys. At least identity.MinSecretLen bytes.
	Secret []byte
	// CodeTTL is how long a code is accepted: 3 minutes by default.
	CodeTTL time.Duration
	// MaxAttempts is how many codes may be tried per challenge: 5 by default.
	MaxAttempts int
	// MaxStarts and StartWindow bound the challenges started, per device and per
	// phone number, so that a script cannot spam SMS: by default 5 per 10 minutes.
	MaxStarts   int
	StartWindow time.Duration
}

func (c Config) withDefaults() Config {
	if c.CodeTTL == 0 {
		c.CodeTTL = 3 * time.Minute
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = 5
	}
	if c.MaxStarts == 0 {
		c.MaxStarts = 5
	}
	if c.StartWindow == 0 {
		c.StartWindow = 10 * time.Minute
	}
	return c
}

// StartLimit is the bound on challenges started per device and per number, defaults
// applied: what the limiter given to New should allow (inmem.NewLimiter(cfg.StartLimit())).
func (c Config) StartLimit() (int, time.Duration) {
	c = c.withDefaults()
	return c.MaxStarts, c.StartWindow
}

// Checker is the part of vaxbook.Guard the method reads: before a code is sent, it asks
// whether the verification could complete, so that a refused person costs no SMS.
// Completing is the sign-in service's, not the method's.
type Checker interface {
	Check(ctx context.Context, personKey, deviceID string, now time.Time) error
}

// Method verifies residents by mobile phone. It is safe for concurrent use.
type Method struct {
	cfg        Config
	carrier    Carrier
	guard      Checker
	challenges Challenges
	limiter    vaxbook.Limiter
}

// New returns the method. challenges and limiter are required: inmem's for one instance
// (the limiter allowing cfg.StartLimit()), shared ones (redis) when several instances
// serve one population. It returns an error for a secret
// shorter than identity.MinSecretLen or negative settings.
func New(cfg Config, carrier Carrier, guard Checker, challenges Challenges, limiter vaxbook.Limiter) (*Method, error) {
	cfg = cfg.withDefaults()
	if len(cfg.Secret) < identity.MinSecretLen {
		return nil, fmt.Errorf("phone: secret is %d bytes, want at least %d", len(cfg.Secret), identity.MinSecretLen)
	}
	if cfg.CodeTTL < 0 || cfg.MaxAttempts < 0 || cfg.MaxStarts < 0 || cfg.StartWindow < 0 {
		return nil, errors.New("phone: negative setting")
	}
	if carrier == nil || guard == nil {
		return nil, errors.New("phone: carrier and guard are required")
	}
	if challenges == nil || limiter == nil {
		return nil, errors.New("phone: challenges and limiter are required (inmem's for one instance)")
	}
	return &Method{cfg: cfg, carrier: carrier, guard: guard, challenges: challenges, limiter: limiter}, nil
}

// Start begins a verification on a device: it checks the claim with the carrier, checks
// the verification limits, and sends a one-time code to the phone. A new Start on the
// same device replaces the previous challenge.
//
// Errors: CodeInvalidInput for a malformed claim; CodeRateLimited (with RetryAt) when
// the device or the phone number started too many challenges recently; the carrier's
// CodeVerifyFailed or CodeUnavailable; the Guard's CodeDeviceLocked or
// CodeVerifyTooSoon (with RetryAt); CodeUnavailable when the SMS could not be sent.
func (m *Method) Start(ctx context.Context, deviceID string, claim Claim, now time.Time) (Challenge, error) {
	if deviceID == "" {
		return Challenge{}, vaxbook.Errorf(vaxbook.CodeInvalidInput, "Your browser session is missing; reload the page.")
	}
	claim, err := claim.normalize()
	if err != nil {
		return Challenge{}, err
	}
	// The device's limit comes before the carrier, whose checks are the scarce
	// resource at 20:00 and whose answers, unbounded, would let a script guess a
	// stranger's details. The device is the server's signed cookie, so it limits only
	// its own holder.
	if err := m.allow(ctx, "phone-start/device/"+deviceID, now); err != nil {
		return Challenge{}, err
	}
	id, err := m.carrier.Verify(ctx, claim)
	if err != nil {
		return Challenge{}, fmt.Errorf("phone carrier check: %w", err)
	}
	if id.CI == "" {
		return Challenge{}, errors.New("phone carrier check: carrier returned no CI")
	}
	// The number's limit counts only starts whose name, birth and number the carrier
	// matched: counted before, anyone could lock a stranger's number out of the main
	// method with a few requests under wrong names. The key is hashed so the
	// limiter's store holds no phone numbers.
	if err := m.allow(ctx, "phone-start/phone/"+identity.PersonKey(m.cfg.Secret, "phone:"+claim.Phone), now); err != nil {
		return Challenge{}, err
	}
	personKey := identity.PersonKey(m.cfg.Secret, id.CI)
	// A person the Guard would refuse at Confirm costs no SMS.
	if err := m.guard.Check(ctx, personKey, deviceID, now); err != nil {
		return Challenge{}, err
	}
	code, err := newCode()
	if err != nil {
		return Challenge{}, err
	}
	p := Pending{
		CodeMAC:   codeMAC(m.cfg.Secret, deviceID, code),
		Identity:  id,
		PersonKey: personKey,
		IssuedAt:  now,
		ExpiresAt: now.Add(m.cfg.CodeTTL),
	}
	if err := m.challenges.Put(ctx, deviceID, p); err != nil {
		return Challenge{}, fmt.Errorf("store phone challenge: %w", err)
	}
	minutes := int(math.Ceil(m.cfg.CodeTTL.Minutes()))
	text := fmt.Sprintf("[vaxbook] 인증번호 %s (%d분 이내 입력)", code, minutes)
	if err := m.carrier.SendSMS(ctx, claim.Phone, text); err != nil {
		// A code that never arrives must not hold the device; the start still counts.
		_ = m.challenges.Delete(context.WithoutCancel(ctx), deviceID)
		return Challenge{}, errors.Join(
			vaxbook.Errorf(vaxbook.CodeUnavailable, "The code could not be sent. Please try again shortly."),
			fmt.Errorf("send phone code: %w", err))
	}
	return Challenge{Phone: maskPhone(claim.Phone), ExpiresAt: p.ExpiresAt, Attempts: m.cfg.MaxAttempts}, nil
}

// Pending returns the device's current challenge as Start described it, if one is
// still valid at now, so a reloaded page can show it again.
func (m *Method) Pending(ctx context.Context, deviceID string, now time.Time) (Challenge, bool, error) {
	p, ok, err := m.challenges.Get(ctx, deviceID)
	if err != nil {
		return Challenge{}, false, fmt.Errorf("load phone challenge: %w", err)
	}
	if !ok || !now.Before(p.ExpiresAt) || p.Attempts >= m.cfg.MaxAttempts {
		return Challenge{}, false, nil
	}
	return Challenge{Phone: maskPhone(p.Identity.Phone), ExpiresAt: p.ExpiresAt, Attempts: m.cfg.MaxAttempts - p.Attempts}, true, nil
}

// allow counts one start against key and refuses with CodeRateLimited past the limit.
func (m *Method) allow(ctx context.Context, key string, now time.Time) error {
	ok, retryAt, err := m.limiter.Allow(ctx, key, now)
	if err != nil {
		return fmt.Errorf("phone start limit: %w", err)
	}
	if !ok {
		return vaxbook.RetryError(vaxbook.CodeRateLimited, retryAt,
			"Too many codes were requested. You may request a new one after %s.",
			retryAt.In(vaxbook.Seoul).Format("15:04"))
	}
	return nil
}
