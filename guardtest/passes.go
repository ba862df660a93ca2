package guardtest

import (
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"vaxbook"
)

// RunPasses is the conformance suite of vaxbook.Passes. Each subtest uses passes of its
// own, so a shared backend needs no flushing between subtests.
func RunPasses(t *testing.T, open func(t *testing.T) vaxbook.Passes) {
	const expires = 10 * time.Minute
	t.Run("FirstPersonBindsOthersRefused", func(t *testing.T) {
		p, pass := open(t), passID()
		if err := p.Bind(ctx(t), pass, "alice", expires); err != nil {
			t.Fatalf("first bind: %v", err)
		}
		if err := p.Bind(ctx(t), pass, "alice", expires); err != nil {
			t.Fatalf("the same person again: %v", err)
		}
		err := p.Bind(ctx(t), pass, "bob", expires)
		if vaxbook.ErrorCode(err) != vaxbook.CodePassInUse {
			t.Fatalf("second person: %v, want pass_in_use", err)
		}
		wantHolder(t, p, pass, "alice")
	})
	t.Run("UnboundPassHasNoHolder", func(t *testing.T) {
		p := open(t)
		if h, ok, err := p.Holder(ctx(t), passID()); err != nil || ok {
			t.Fatalf("Holder = %q, %v, %v; want none", h, ok, err)
		}
	})
	t.Run("EndedPassBindsNobodyButKeepsItsHolder", func(t *testing.T) {
		p, pass := open(t), passID()
		if err := p.Bind(ctx(t), pass, "alice", expires); err != nil {
			t.Fatal(err)
		}
		if err := p.End(ctx(t), pass, expires); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"alice", "bob"} {
			if err := p.Bind(ctx(t), pass, who, expires); vaxbook.ErrorCode(err) != vaxbook.CodePassInUse {
				t.Fatalf("bind %s after the booking: %v, want pass_in_use", who, err)
			}
		}
		wantHolder(t, p, pass, "alice")
	})
	t.Run("ConcurrentPersonsExactlyOneBinds", func(t *testing.T) {
		p, pass := open(t), passID()
		winner := exactlyOneWins(t, 40, func(i int) error {
			return p.Bind(ctx(t), pass, fmt.Sprintf("person-%d", i), expires)
		}, func(err error) {
			if vaxbook.ErrorCode(err) != vaxbook.CodePassInUse {
				t.Fatalf("a loser: %v, want pass_in_use", err)
			}
		})
		wantHolder(t, p, pass, fmt.Sprintf("person-%d", winner))
	})
}

func passID() string { return "guardtest-pass-" + rand.Text() }

func wantHolder(t *testing.T, p vaxbook.Passes, pass, want string) {
	t.Helper()
	got, ok, err := p.Holder(ctx(t), pass)
	if err != nil || !ok || got != want {
		t.Fatalf("Holder = %q, %v, %v; want %q", got, ok, err, want)
	}
}
