package storetest

import (
	"bytes"
	"testing"
	"time"

	"vaxbook"
)

// clinicAt is 10:00 on day1, when its appointments come in.
var clinicAt = day1.At(10, 0)

// clinicTests check the clinic side: accounts, a site's day list that holds only that
// site, attendance marks that leave the counters alone, and the audit log.
var clinicTests = []storeTest{
	{"a staff account round-trips and is updated by login", func(t *testing.T, s vaxbook.Store) {
		mustFixture(t, s)
		in := vaxbook.Staff{SiteID: siteA, Login: "gangnam-1", Name: "김간호", PasswordHash: "$argon2id$x", TOTPSecret: []byte{1, 2, 3}}
		if err := s.PutStaff(t.Context(), in); err != nil {
			t.Fatalf("PutStaff: %v", err)
		}
		got, err := s.StaffByLogin(t.Context(), "gangnam-1")
		if err != nil || got.ID == 0 || got.SiteID != siteA || got.Name != in.Name || got.PasswordHash != in.PasswordHash ||
			!bytes.Equal(got.TOTPSecret, in.TOTPSecret) || got.Role != vaxbook.RoleClinic {
			t.Fatalf("StaffByLogin = %+v, %v; want %+v with an id and the clinic role", got, err, in)
		}
		in.SiteID, in.TOTPSecret = siteB, nil
		if err := s.PutStaff(t.Context(), in); err != nil {
			t.Fatalf("PutStaff again: %v", err)
		}
		again, err := s.StaffByLogin(t.Context(), "gangnam-1")
		if err != nil || again.ID != got.ID || again.SiteID != siteB || len(again.TOTPSecret) != 0 {
			t.Errorf("after update = %+v, %v; want the same id at site B without TOTP", again, err)
		}
		_, err = s.StaffByLogin(t.Context(), "nobody")
		wantCode(t, "StaffByLogin(unknown)", err, vaxbook.CodeNotFound)
		err = s.PutStaff(t.Context(), vaxbook.Staff{SiteID: 999, Login: "ghost", PasswordHash: "h"})
		wantCode(t, "PutStaff at a missing site", err, vaxbook.CodeNotFound)
	}},
	{"a site's day list holds only that site's appointments of that day", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteA, day2, 100)
		p1, p2 := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		a1 := mustBook(t, s, f.req(p1, siteA, day1))
		mustBook(t, s, f.req(p2, siteB, day1))
		mustBook(t, s, f.req(f.mustPerson(t, 3, 2), siteA, day2))
		gone := mustBook(t, s, f.req(f.mustPerson(t, 4, 2), siteA, day1))
		if _, err := s.Cancel(t.Context(), gone.PersonKey, gone.ID, cancelAt); err != nil {
			t.Fatalf("Cancel: %v", err)
		}
		got, err := s.DayAppointments(t.Context(), siteA, day1)
		if err != nil {
			t.Fatalf("DayAppointments: %v", err)
		}
		if len(got) != 1 || got[0].ID != a1.ID || got[0].PersonName != p1.Name || got[0].Birth != p1.Birth {
			t.Fatalf("DayAppointments(A, day1) = %+v; want only %d of %s born %s", got, a1.ID, p1.Name, p1.Birth)
		}
		if none, err := s.DayAppointments(t.Context(), siteC, day1); err != nil || len(none) != 0 {
			t.Errorf("DayAppointments(C, day1) = %v, %v; want none", none, err)
		}
	}},
	{"marking attendance keeps the place counted and shows in the day list", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		a := mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteA, day1))
		b := mustBook(t, s, f.req(f.mustPerson(t, 2, 2), siteA, day1))
		_, err := s.MarkAttendance(t.Context(), siteA, a.ID, vaxbook.StatusVaccinated, day1.AddDays(-1).At(10, 0))
		wantCode(t, "mark before the day", err, vaxbook.CodeInvalidInput)
		_, err = s.MarkAttendance(t.Context(), siteA, a.ID, vaxbook.StatusCancelled, clinicAt)
		wantCode(t, "mark cancelled", err, vaxbook.CodeInvalidInput)
		r, err := s.MarkAttendance(t.Context(), siteA, a.ID, vaxbook.StatusVaccinated, clinicAt)
		if err != nil || r.Status != vaxbook.StatusVaccinated || r.ID != a.ID {
			t.Fatalf("MarkAttendance(vaccinated) = %+v, %v", r, err)
		}
		if _, err := s.MarkAttendance(t.Context(), siteA, b.ID, vaxbook.StatusNoShow, clinicAt); err != nil {
			t.Fatalf("MarkAttendance(no_show): %v", err)
		}
		_, err = s.MarkAttendance(t.Context(), siteA, a.ID, vaxbook.StatusNoShow, clinicAt)
		wantCode(t, "mark twice", err, vaxbook.CodeConflict)
		list, err := s.DayAppointments(t.Context(), siteA, day1)
		if err != nil || len(list) != 2 || list[0].Status != vaxbook.StatusVaccinated || list[1].Status != vaxbook.StatusNoShow {
			t.Fatalf("DayAppointments = %+v, %v; want vaccinated then no_show", list, err)
		}
		shares, err := s.Shares(t.Context(), f.c.ID, siteA, day1)
		if err != nil {
			t.Fatal(err)
		}
		if sh := shares[2]; sh.Booked != 2 {
			t.Errorf("group 2's share booked %d after marking, want 2 (the doses were used or wasted)", sh.Booked)
		}
		if au, err := s.Audit(t.Context(), f.c.ID); err != nil || au.Overbooked+au.DoubleBooked+au.CounterDrift != 0 {
			t.Errorf("Audit = %+v, %v; want no violations", au, err)
		}
	}},
	{"a site cannot mark another site's reservation: it does not exist for it", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		b := mustBook(t, s, f.req(f.mustPerson(t, 1, 2), siteB, day1))
		_, err := s.MarkAttendance(t.Context(), siteA, b.ID, vaxbook.StatusVaccinated, clinicAt)
		wantCode(t, "mark site B's reservation as site A", err, vaxbook.CodeNotFound)
		_, err = s.MarkAttendance(t.Context(), siteA, b.ID+1000, vaxbook.StatusVaccinated, clinicAt)
		wantCode(t, "mark a missing reservation", err, vaxbook.CodeNotFound)
		if r := f.mustActive(t, b.PersonKey); r.Status != vaxbook.StatusBooked {
			t.Errorf("site B's reservation is %s, want booked", r.Status)
		}
	}},
	{"audit entries round-trip newest first", func(t *testing.T, s vaxbook.Store) {
		in := []vaxbook.AuditEntry{
			{At: clinicAt, Actor: "staff:1", Action: vaxbook.AuditViewAppointments, SiteID: siteA, Detail: "2021-09-06"},
			{At: clinicAt.Add(time.Second), Actor: "operator", Action: vaxbook.AuditViewLog},
		}
		for _, e := range in {
			if err := s.RecordAudit(t.Context(), e); err != nil {
				t.Fatalf("RecordAudit: %v", err)
			}
		}
		got, err := s.AuditLog(t.Context(), 10)
		if err != nil || len(got) != 2 {
			t.Fatalf("AuditLog = %v, %v; want 2 entries", got, err)
		}
		for i, want := range []vaxbook.AuditEntry{in[1], in[0]} {
			g := got[i]
			if g.ID == 0 || !g.At.Equal(want.At) || g.Actor != want.Actor || g.Action != want.Action || g.SiteID != want.SiteID || g.Detail != want.Detail {
				t.Errorf("entry %d = %+v, want %+v", i, g, want)
			}
		}
		if one, err := s.AuditLog(t.Context(), 1); err != nil || len(one) != 1 || one[0].Actor != "operator" {
			t.Errorf("AuditLog(1) = %v, %v; want the newest only", one, err)
		}
	}},
	{"a vaccinated person cannot book again; a no-show can", func(t *testing.T, s vaxbook.Store) {
		f := mustFixture(t, s)
		f.mustCapacity(t, siteA, day2, 100)
		done, missed := f.mustPerson(t, 1, 2), f.mustPerson(t, 2, 2)
		a := mustBook(t, s, f.req(done, siteA, day1))
		b := mustBook(t, s, f.req(missed, siteA, day1))
		if _, err := s.MarkAttendance(t.Context(), siteA, a.ID, vaxbook.StatusVaccinated, clinicAt); err != nil {
			t.Fatalf("mark vaccinated: %v", err)
		}
		if _, err := s.MarkAttendance(t.Context(), siteA, b.ID, vaxbook.StatusNoShow, clinicAt); err != nil {
			t.Fatalf("mark no-show: %v", err)
		}
		for _, batch := range [][]vaxbook.BookRequest{{f.req(done, siteA, day2)}, {f.req(done, siteA, day2), f.req(f.mustPerson(t, 3, 2), siteA, day2)}} {
			res := s.Book(t.Context(), batch)
			wantCode(t, "booking again after vaccination", res[0].Err, vaxbook.CodeAlreadyBooked)
		}
		mustBook(t, s, f.req(missed, siteA, day2))
		mustAudit(t, s, f.c.ID)
	}},
}
