package clinic_test

import (
	"testing"
	"time"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/clinic"
	"vaxbook/demo"
	"vaxbook/storetest/engines"
)

var day = vaxbook.MustDate("2021-09-06")

// fixture is the clinic service over a real store with one booked appointment at
// site 1 on day, and the clock at the site's opening that day.
type fixture struct {
	store vaxbook.Store
	svc   *clinic.Service
	res   vaxbook.Reservation
}

func newFixture(t *testing.T, s vaxbook.Store) fixture {
	t.Helper()
	ctx := t.Context()
	c := demo.Campaign2021()
	if err := s.CreateCampaign(ctx, &c); err != nil {
		t.Fatal(err)
	}
	sites := []vaxbook.Site{
		{ID: 1, Name: "종로구보건소", Province: "서울특별시", District: "종로구", Kind: "centre"},
		{ID: 2, Name: "마포구예방접종센터", Province: "서울특별시", District: "마포구", Kind: "centre"},
	}
	if err := s.PutSites(ctx, sites); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCapacities(ctx, c.ID, []vaxbook.Capacity{{SiteID: 1, Date: day, Quantity: 100}}); err != nil {
		t.Fatal(err)
	}
	p := vaxbook.Person{Key: "person-1", Name: "김민준", Birth: vaxbook.MustDate("1985-03-12")}
	if err := s.PutPerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	g := vaxbook.GroupOf(p.Birth)
	var at time.Time
	for _, w := range c.Windows {
		if w.Group == g {
			at = w.Opens.Add(time.Minute)
		}
	}
	out := s.Book(ctx, []vaxbook.BookRequest{{CampaignID: c.ID, PersonKey: p.Key, SiteID: 1, Date: day, Group: g, Status: vaxbook.StatusBooked, At: at}})
	if out[0].Err != nil {
		t.Fatalf("Book: %v", out[0].Err)
	}
	clock := vaxbook.NewManualClock(day.At(9, 0))
	return fixture{store: s, svc: clinic.New(s, audit.New(s, clock, nil), clock), res: out[0].Reservation}
}

func (f fixture) lastAudit(t *testing.T) vaxbook.AuditEntry {
	t.Helper()
	es, err := f.store.AuditLog(t.Context(), 1)
	if err != nil || len(es) != 1 {
		t.Fatalf("AuditLog: %v, %d entries", err, len(es))
	}
	return es[0]
}

func TestTheDaysListIsAuditedAsReadOrExported(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		for _, export := range []bool{false, true} {
			d, err := f.svc.Appointments(t.Context(), "staff:1", 1, day, export)
			if err != nil {
				t.Fatalf("Appointments: %v", err)
			}
			if len(d.Appointments) != 1 || d.Appointments[0].ID != f.res.ID || d.Site == nil || d.Site.Name != "종로구보건소" {
				t.Fatalf("day %+v, want the one appointment at 종로구보건소", d)
			}
			want := vaxbook.AuditViewAppointments
			if export {
				want = vaxbook.AuditExportCSV
			}
			if e := f.lastAudit(t); e.Action != want || e.Actor != "staff:1" || e.SiteID != 1 {
				t.Errorf("audit entry %+v, want %s by staff:1 at site 1", e, want)
			}
		}
		if d, err := f.svc.Appointments(t.Context(), "staff:2", 2, day, false); err != nil || len(d.Appointments) != 0 {
			t.Errorf("site 2's day: %+v, %v; want no appointments", d, err)
		}
	})
}

func TestAttendanceIsMarkedOnceAtTheSiteOnly(t *testing.T) {
	engines.Each(t, func(t *testing.T, s vaxbook.Store) {
		f := newFixture(t, s)
		for _, c := range []struct {
			name   string
			site   int64
			status vaxbook.Status
			want   vaxbook.Code
		}{
			{"a status staff cannot set", 1, vaxbook.StatusCancelled, vaxbook.CodeInvalidInput},
			{"another site's reservation", 2, vaxbook.StatusVaccinated, vaxbook.CodeNotFound},
			{"its own site's", 1, vaxbook.StatusVaccinated, ""},
			{"a second mark", 1, vaxbook.StatusNoShow, vaxbook.CodeConflict},
		} {
			_, err := f.svc.MarkAttendance(t.Context(), "staff:1", c.site, f.res.ID, c.status)
			if vaxbook.ErrorCode(err) != c.want {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
			}
		}
		if e := f.lastAudit(t); e.Action != vaxbook.AuditMarkAttendance {
			t.Errorf("audit entry %+v, want %s", e, vaxbook.AuditMarkAttendance)
		}
		d, err := f.svc.Appointments(t.Context(), "staff:1", 1, day, false)
		if err != nil || d.Appointments[0].Status != vaxbook.StatusVaccinated {
			t.Errorf("after marking: %+v, %v; want vaccinated", d.Appointments, err)
		}
	})
}
