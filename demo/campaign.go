// Package demo generates the demonstration data of vaxbook from a seed: the 2021 18–49
// campaign, about 14,000 vaccination sites across the 17 provinces with their daily
// capacity, and a synthetic population of up to 16.21 million residents that the
// development identity providers look people up in.
//
// Nothing here is stored in the repository and nothing is random at run time: the same
// seed gives the same data on every machine, so a load test, a screenshot and a bug
// report all talk about the same residents and sites. Residents are not stored anywhere,
// not even in memory: resident i is computed from (seed, i) when asked for.
package demo

import (
	"time"

	"vaxbook"
)

// Campaign2021 returns the 2021 pre-reservation round for ages 18–49 as the source
// describes it: born 1972-01-01 … 2003-12-31; rotation (10부제) from 2021-08-09 to
// 2021-08-18, each day opening at 20:00 for one birth-day digit and closing at 18:00
// the next day; then an open period for everyone from 2021-08-19 20:00 to 2021-09-18
// 18:00; first doses from 2021-08-26 to 2021-10-02, second doses 42 days later
// (the mRNA interval of the time); shares split equally among the ten groups.
// The returned campaign has no ID; storing it assigns one.
func Campaign2021() vaxbook.Campaign {
	windows := vaxbook.RotationWindows(vaxbook.MustDate("2021-08-09"), vaxbook.MustDate("2021-08-18"))
	windows = append(windows, vaxbook.Window{
		Group:  vaxbook.AllGroups,
		Opens:  vaxbook.MustDate("2021-08-19").At(20, 0),
		Closes: vaxbook.MustDate("2021-09-18").At(18, 0),
	})
	return vaxbook.Campaign{
		Name:            "2021 18–49세 사전예약 (ages 18–49, 2021)",
		CohortFrom:      vaxbook.MustDate("1972-01-01"),
		CohortTo:        vaxbook.MustDate("2003-12-31"),
		VaccinationFrom: vaxbook.MustDate("2021-08-26"),
		VaccinationTo:   vaxbook.MustDate("2021-10-02"),
		SecondDoseDays:  42,
		Windows:         windows,
		Weights:         vaxbook.EqualWeights(),
	}
}

// ReplayStart is the instant `serve --demo` starts its clock at when no --now is given:
// 20:00 on 2021-08-12, when group 2 (born on the 2nd, 12th or 22nd of a month) may
// start booking, the source's own worked example. On today's clock every 2021 window
// is long closed, and a first run would lead nowhere.
func ReplayStart() time.Time { return vaxbook.MustDate("2021-08-12").At(20, 0) }
