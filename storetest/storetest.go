// Package storetest is the conformance suite of vaxbook.Store. Every implementation
// (sqlite, postgres) calls Run from its own tests against a real database, so that both
// engines keep the same rules — no overbooking, no double booking, one error code for
// each failure — whatever SQL they use to get there.
package storetest

import (
	"testing"

	"vaxbook"
)

// opener returns a fresh, migrated, empty store for one test.
type opener = func(t *testing.T) vaxbook.Store

// storeTest is one row of a table: a name that says the rule checked and a body that
// receives its own empty store.
type storeTest struct {
	name string
	run  func(t *testing.T, s vaxbook.Store)
}

// Run runs the suite against the stores open returns. open must return a fresh,
// migrated, empty store on every call and arrange for it to be closed when t ends (with
// t.Cleanup); the suite never calls Close. Every test opens its own store (only the
// read-only search queries of one table share theirs), so no test sees another's rows
// and any subtest may be run alone with -run.
//
// The concurrency tests start hundreds of goroutines against one store; run the suite
// with -race.
func Run(t *testing.T, open func(t *testing.T) vaxbook.Store) {
	groups := []struct {
		name  string
		tests []storeTest
	}{
		{"Campaign", campaignTests},
		{"CampaignEdit", campaignEditTests},
		{"Site", siteTests},
		{"Capacity", capacityTests},
		{"Search", searchTests},
		{"Sheet", sheetTests},
		{"Person", personTests},
		{"Session", sessionTests},
		{"SignIn", signInTests},
		{"Book", bookTests},
		{"Batch", batchTests},
		{"Change", changeTests},
		{"Cancel", cancelTests},
		{"Concurrency", concurrencyTests},
		{"Outbox", outboxTests},
		{"Withdraw", withdrawTests},
		{"Prune", pruneTests},
		{"Jobs", jobTests},
		{"Stats", statsTests},
		{"Clinics", clinicTests},
		{"Standby", standbyTests},
		{"StandbyRace", standbyRaceTests},
		{"StaffSessions", staffSessionTests},
		{"TOTPSteps", totpStepTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { runTable(t, open, g.tests) })
	}
}

// runTable runs each row as a subtest on a store of its own.
func runTable(t *testing.T, open opener, tests []storeTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}
