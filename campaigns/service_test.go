package campaigns_test

import (
	"context"
	"errors"
	"testing"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/booking"
	"vaxbook/campaigns"
	"vaxbook/demo"
	"vaxbook/inmem"
	"vaxbook/storetest/engines"
)

// fixture is a campaign service over a real store whose listeners are the real booking
// cache and audit log, and a windows receiver standing in for the waiting room.
type fixture struct {
	store   vaxbook.Store
	svc     *campaigns.Service
	booking *booking.Service
	windows []vaxbook.Window
	told    []string
}

func newFixture(t *testing.T, s vaxbook.Store) *fixture {
	t.Helper()
	clock := vaxbook.NewManualClock(demo.ReplayStart())
	f := &fixture{store: s, booking: booking.New(s, nil, inmem.NewGuard(), clock)}
	record := func(_ context.Context, ch campaigns.Change) error {
		f.told = append(f.told, ch.Action)
		return nil
	}
	f.svc = campaigns.New(s, clock, nil,
		campaigns.ForgetIn(f.booking),
		campaigns.WindowsTo(s, func(ws []vaxbook.Window) { f.windows = ws }),
		campaigns.AuditTo(audit.New(s, clock, nil)),
		record)
	return f
}

// mustCreate creates the demo campaign through the service.
func (f *fixture) mustCreate(t *testing.T) vaxbook.Campaign {
	t.Helper()
	c := demo.Campaign2021()
	if err := f.svc.Create(t.Context(), &c); err != nil {
		t.Fatalf("Create: %v", err)
	}
	return c
}

// lastAudit returns the newest audit entry.
func (f *fixture) lastAudit(t *testing.T) vaxbook.AuditEntry {
	t.Helper()
	es, err := f.store.AuditLog(t.Context(), 1)
	if err != nil || len(es) == 0 {
		t.Fatalf("AuditLog: %v, %d entries", err, len(es))
	}
	return es[0]
}

func TestCreateStoresTheCampaignAndTellsEveryListener(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		c := f.mustCreate(t)
		if c.ID == 0 {
			t.Fatal("Create left the id unset")
		}
		got, err := s.Campaign(t.Context(), c.ID)
		if err != nil || got.Name != c.Name || len(got.Windows) != len(c.Windows) {
			t.Fatalf("stored campaign %+v, %v; want %q with %d windows", got, err, c.Name, len(c.Windows))
		}
		if len(f.windows) != len(c.Windows) {
			t.Errorf("the room got %d windows, want the campaign's %d", len(f.windows), len(c.Windows))
		}
		if e := f.lastAudit(t); e.Action != campaigns.ActionCreate || e.Actor != "operator" {
			t.Errorf("audit entry %+v, want %s by operator", e, campaigns.ActionCreate)
		}
		if len(f.told) != 1 || f.told[0] != campaigns.ActionCreate {
			t.Errorf("listeners told %v, want [%s]", f.told, campaigns.ActionCreate)
		}
	})
}

func TestAnInvalidCampaignIsRefusedAndNobodyIsTold(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		c := demo.Campaign2021()
		c.Name = ""
		var fe *vaxbook.FieldErrors
		if err := f.svc.Create(t.Context(), &c); !errors.As(err, &fe) || !fe.Has("name") {
			t.Fatalf("Create without a name: %v, want field errors naming name", err)
		}
		if cs, _ := f.svc.List(t.Context()); len(cs) != 0 {
			t.Errorf("%d campaigns stored after a refusal", len(cs))
		}
		if len(f.told) != 0 || f.windows != nil {
			t.Errorf("listeners told %v after a refusal", f.told)
		}
	})
}

func TestAnEditIsBookedByAtOnceOnThisInstance(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		c := f.mustCreate(t)
		// The booking service caches the campaign; the edit must clear it.
		if _, err := f.booking.Campaign(t.Context(), c.ID); err != nil {
			t.Fatal(err)
		}
		edited, err := f.svc.Edit(t.Context(), c.ID, func(old vaxbook.Campaign) (vaxbook.Campaign, error) {
			old.Name = "2021 18–49세 (연장)"
			old.Windows = old.Windows[:len(old.Windows)-1]
			return old, nil
		})
		if err != nil {
			t.Fatalf("Edit: %v", err)
		}
		got, err := f.booking.Campaign(t.Context(), c.ID)
		if err != nil || got.Name != edited.Name {
			t.Errorf("booking sees %q (%v) after the edit, want %q", got.Name, err, edited.Name)
		}
		if len(f.windows) != len(c.Windows)-1 {
			t.Errorf("the room got %d windows, want %d", len(f.windows), len(c.Windows)-1)
		}
		if e := f.lastAudit(t); e.Action != campaigns.ActionUpdate {
			t.Errorf("audit entry %+v, want %s", e, campaigns.ActionUpdate)
		}
	})
}

func TestARefusedEditChangesNothingAndTellsNobody(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		c := f.mustCreate(t)
		f.told = nil
		formErr := vaxbook.Errorf(vaxbook.CodeInvalidInput, "unreadable form")
		for name, edit := range map[string]func(vaxbook.Campaign) (vaxbook.Campaign, error){
			"the form's own error": func(vaxbook.Campaign) (vaxbook.Campaign, error) { return vaxbook.Campaign{}, formErr },
			"a broken rule": func(old vaxbook.Campaign) (vaxbook.Campaign, error) {
				old.VaccinationTo = old.VaccinationFrom.AddDays(-1)
				return old, nil
			},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := f.svc.Edit(t.Context(), c.ID, edit); vaxbook.ErrorCode(err) != vaxbook.CodeInvalidInput {
					t.Fatalf("Edit: %v, want invalid_input", err)
				}
			})
		}
		if _, err := f.svc.Edit(t.Context(), c.ID+1000, func(old vaxbook.Campaign) (vaxbook.Campaign, error) { return old, nil }); vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
			t.Errorf("Edit of a missing campaign: %v, want not_found", err)
		}
		got, _ := s.Campaign(t.Context(), c.ID)
		if got.VaccinationTo != c.VaccinationTo {
			t.Errorf("vaccination_to %s after refused edits, want %s", got.VaccinationTo, c.VaccinationTo)
		}
		if len(f.told) != 0 {
			t.Errorf("listeners told %v after refused edits", f.told)
		}
	})
}

func TestAFailingListenerNeitherFailsTheChangeNorStopsTheOthers(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		var after bool
		svc := campaigns.New(s, vaxbook.NewManualClock(demo.ReplayStart()), nil,
			func(context.Context, campaigns.Change) error { return errors.New("room unreachable") },
			func(context.Context, campaigns.Change) error { after = true; return nil })
		c := demo.Campaign2021()
		if err := svc.Create(t.Context(), &c); err != nil {
			t.Fatalf("Create with a failing listener: %v", err)
		}
		if !after {
			t.Error("the listener after the failing one was not told")
		}
	})
}

func TestRefreshWindowsHandsOverEveryCampaignsWindows(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		svc := campaigns.New(s, vaxbook.NewManualClock(demo.ReplayStart()), nil)
		want := 0
		for range 2 {
			c := demo.Campaign2021()
			if err := svc.Create(t.Context(), &c); err != nil {
				t.Fatal(err)
			}
			want += len(c.Windows)
		}
		var got []vaxbook.Window
		if err := campaigns.RefreshWindows(t.Context(), s, func(ws []vaxbook.Window) { got = ws }); err != nil {
			t.Fatal(err)
		}
		if len(got) != want {
			t.Errorf("%d windows handed over, want %d", len(got), want)
		}
	})
}
