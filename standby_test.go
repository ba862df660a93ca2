package vaxbook_test

import (
	"encoding/json"
	"testing"
	"time"

	"vaxbook"
)

func TestStandbyCodesAreStable(t *testing.T) {
	for code, want := range map[vaxbook.Code]string{
		vaxbook.CodeStandbyClosed: "standby_closed",
		vaxbook.CodeOnStandby:     "on_standby",
		vaxbook.CodeNoOffer:       "no_offer",
		vaxbook.CodeOfferExpired:  "offer_expired",
	} {
		if string(code) != want {
			t.Errorf("code %q, want %q", code, want)
		}
	}
	if vaxbook.KindStandbyOffer != "standby_offer" {
		t.Errorf("KindStandbyOffer = %q", vaxbook.KindStandbyOffer)
	}
}

func TestCheckStandbyJoinIsForTodayOnAVaccinationDateInTheCohort(t *testing.T) {
	c := mustCampaign2021(t)
	day := mustDate(t, "2021-09-06")
	born := mustDate(t, "1985-03-12")
	tests := []struct {
		name  string
		birth vaxbook.Date
		d     vaxbook.Date
		at    time.Time
		code  vaxbook.Code
	}{
		{"today, in the cohort", born, day, day.At(10, 0), ""},
		{"today at the first instant", born, day, day.At(0, 0), ""},
		{"today at the last minute", born, day, day.At(23, 59), ""},
		{"tomorrow's list is not open", born, day.AddDays(1), day.At(10, 0), vaxbook.CodeStandbyClosed},
		{"yesterday's list is closed", born, day.AddDays(-1), day.At(10, 0), vaxbook.CodeStandbyClosed},
		{"the same day seen from UTC is still the Seoul day", born, day, time.Date(2021, 9, 5, 15, 0, 0, 0, time.UTC), ""},
		{"before the campaign vaccinates", born, c.VaccinationFrom.AddDays(-1), c.VaccinationFrom.AddDays(-1).At(10, 0), vaxbook.CodeStandbyClosed},
		{"after the campaign's last vaccination date", born, c.VaccinationTo.AddDays(1), c.VaccinationTo.AddDays(1).At(10, 0), vaxbook.CodeStandbyClosed},
		{"on the last vaccination date", born, c.VaccinationTo, c.VaccinationTo.At(10, 0), ""},
		{"born too late for the cohort", mustDate(t, "2004-01-01"), day, day.At(10, 0), vaxbook.CodeNotEligible},
		{"born on the cohort's first day", c.CohortFrom, day, day.At(10, 0), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := vaxbook.CheckStandbyJoin(c, tt.birth, tt.d, tt.at)
			if got := vaxbook.ErrorCode(err); got != tt.code {
				t.Errorf("CheckStandbyJoin = %v, want code %q", err, tt.code)
			}
		})
	}
}

func TestCheckLeftoverIsForTodayOnAVaccinationDate(t *testing.T) {
	c := mustCampaign2021(t)
	day := mustDate(t, "2021-09-06")
	tests := []struct {
		name string
		d    vaxbook.Date
		at   time.Time
		code vaxbook.Code
	}{
		{"today", day, day.At(16, 0), ""},
		{"for tomorrow", day.AddDays(1), day.At(16, 0), vaxbook.CodeStandbyClosed},
		{"for yesterday", day.AddDays(-1), day.At(16, 0), vaxbook.CodeStandbyClosed},
		{"today, but not a vaccination date", mustDate(t, "2021-08-20"), mustDate(t, "2021-08-20").At(16, 0), vaxbook.CodeStandbyClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vaxbook.ErrorCode(vaxbook.CheckLeftover(c, tt.d, tt.at)); got != tt.code {
				t.Errorf("CheckLeftover code %q, want %q", got, tt.code)
			}
		})
	}
}

func TestOfferExpiryIsTheWindowCappedAtMidnight(t *testing.T) {
	day := mustDate(t, "2021-09-06")
	tests := []struct {
		name   string
		now    time.Time
		window time.Duration
		want   time.Time
	}{
		{"the default window is ten minutes", day.At(10, 0), 0, day.At(10, 10)},
		{"a configured window", day.At(10, 0), 3 * time.Minute, day.At(10, 3)},
		{"a negative window is the default", day.At(10, 0), -time.Minute, day.At(10, 10)},
		{"an offer never outlives its day", day.At(23, 55), 0, day.AddDays(1).At(0, 0)},
		{"an offer ending exactly at midnight", day.At(23, 50), 0, day.AddDays(1).At(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := vaxbook.StandbyTime{Now: tt.now, OfferWindow: tt.window}.OfferExpiry()
			if !got.Equal(tt.want) {
				t.Errorf("OfferExpiry = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStandbyOfferChecks(t *testing.T) {
	day := mustDate(t, "2021-09-06")
	made := day.At(10, 0)
	offered := vaxbook.StandbyEntry{ID: 7, PersonKey: "me", Date: day, State: vaxbook.StandbyOffered,
		OfferedAt: made, ExpiresAt: made.Add(10 * time.Minute)}
	with := func(s vaxbook.StandbyState) vaxbook.StandbyEntry { e := offered; e.State = s; return e }
	lasting := offered
	lasting.ExpiresAt = day.AddDays(2).At(0, 0)
	tests := []struct {
		name          string
		e             vaxbook.StandbyEntry
		person        string
		at            time.Time
		accept, decli vaxbook.Code
	}{
		{"within the window", offered, "me", made.Add(9 * time.Minute), "", ""},
		{"at the instant it was made", offered, "me", made, "", ""},
		{"another person's offer is missing", offered, "you", made, vaxbook.CodeNotFound, vaxbook.CodeNotFound},
		{"at the instant it expires", offered, "me", made.Add(10 * time.Minute), vaxbook.CodeOfferExpired, vaxbook.CodeOfferExpired},
		{"expired by the sweep", with(vaxbook.StandbyExpired), "me", made, vaxbook.CodeOfferExpired, vaxbook.CodeOfferExpired},
		{"the day after, whatever the expiry says", lasting, "me", day.AddDays(1).At(1, 0), vaxbook.CodeOfferExpired, vaxbook.CodeOfferExpired},
		{"accepted already", with(vaxbook.StandbyAccepted), "me", made, vaxbook.CodeAlreadyBooked, vaxbook.CodeNoOffer},
		{"still waiting", with(vaxbook.StandbyWaiting), "me", made, vaxbook.CodeNoOffer, vaxbook.CodeNoOffer},
		{"declined", with(vaxbook.StandbyDeclined), "me", made, vaxbook.CodeNoOffer, vaxbook.CodeNoOffer},
		{"withdrawn", with(vaxbook.StandbyWithdrawn), "me", made, vaxbook.CodeNoOffer, vaxbook.CodeNoOffer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vaxbook.ErrorCode(tt.e.CheckAccept(tt.person, tt.at)); got != tt.accept {
				t.Errorf("CheckAccept code %q, want %q", got, tt.accept)
			}
			if got := vaxbook.ErrorCode(tt.e.CheckDecline(tt.person, tt.at)); got != tt.decli {
				t.Errorf("CheckDecline code %q, want %q", got, tt.decli)
			}
		})
	}
}

func TestCheckLeaveOnlyOpenEntriesOfYourOwn(t *testing.T) {
	tests := []struct {
		state  vaxbook.StandbyState
		person string
		code   vaxbook.Code
	}{
		{vaxbook.StandbyWaiting, "me", ""},
		{vaxbook.StandbyOffered, "me", ""},
		{vaxbook.StandbyWaiting, "you", vaxbook.CodeNotFound},
		{vaxbook.StandbyAccepted, "me", vaxbook.CodeNotFound},
		{vaxbook.StandbyDeclined, "me", vaxbook.CodeNotFound},
		{vaxbook.StandbyExpired, "me", vaxbook.CodeNotFound},
		{vaxbook.StandbyWithdrawn, "me", vaxbook.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(string(tt.state)+" by "+tt.person, func(t *testing.T) {
			e := vaxbook.StandbyEntry{PersonKey: "me", State: tt.state}
			if got := vaxbook.ErrorCode(e.CheckLeave(tt.person)); got != tt.code {
				t.Errorf("CheckLeave code %q, want %q", got, tt.code)
			}
			if open := tt.state == vaxbook.StandbyWaiting || tt.state == vaxbook.StandbyOffered; tt.state.Open() != open {
				t.Errorf("%s.Open() = %v", tt.state, !open)
			}
		})
	}
}

func TestLeftoverDosesFreeAndLineWaiting(t *testing.T) {
	d := vaxbook.LeftoverDoses{Released: 5, Offered: 2, Accepted: 1}
	if d.Free() != 2 {
		t.Errorf("Free = %d, want 2", d.Free())
	}
	l := vaxbook.StandbyLine{Entries: []vaxbook.StandbyListEntry{
		{StandbyEntry: vaxbook.StandbyEntry{State: vaxbook.StandbyOffered}},
		{StandbyEntry: vaxbook.StandbyEntry{State: vaxbook.StandbyWaiting}},
		{StandbyEntry: vaxbook.StandbyEntry{State: vaxbook.StandbyWaiting}},
	}}
	if l.Waiting() != 2 {
		t.Errorf("Waiting = %d, want 2", l.Waiting())
	}
}

func TestStandbyOfferPayloadSaysWhereAndUntilWhenButNotWho(t *testing.T) {
	e := vaxbook.StandbyEntry{ID: 3, CampaignID: 1, SiteID: 42, PersonKey: "secret-key", Date: mustDate(t, "2021-09-06"),
		ExpiresAt: mustDate(t, "2021-09-06").At(10, 10)}
	var p map[string]any
	if err := json.Unmarshal(vaxbook.StandbyOfferPayload(e), &p); err != nil {
		t.Fatal(err)
	}
	if p["site_id"] != float64(42) || p["date"] != "2021-09-06" || p["expires_at"] != "2021-09-06T10:10:00+09:00" || p["campaign_id"] != float64(1) {
		t.Errorf("payload = %v", p)
	}
	for k, v := range p {
		if v == "secret-key" {
			t.Errorf("payload carries the person key in %q", k)
		}
	}
}
