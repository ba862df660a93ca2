package vaxbook

import (
	"sort"
	"strings"
)

// The page sizes of a site search: what a query without a limit gets, and the most any
// query gets — short, so that a search during the surge stays cheap. Every engine and
// the in-memory sheet apply the same two.
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 100
)

// SiteShares is a site with every share it has in one campaign, ordered by date and
// then group: one line of a campaign's sheet of places.
type SiteShares struct {
	Site
	Shares []Share
}

// PlaceTaken is a reservation as a sheet's feed sees it: the share it drew from and
// whether it holds that place now (booked or confirmed, and not a leftover dose, which
// takes no place from a share).
type PlaceTaken struct {
	ID, CampaignID, SiteID int64
	Date                   Date
	Group                  int
	Holds                  bool
}

// SheetLine is a site's places in one campaign as a copy in memory keeps them: a day
// per date, each with its groups' shares side by side — about a fifth of the memory of
// the shares as rows (about 60 MB for the 14,000 sites of a round, 112 bytes a day).
type SheetLine struct {
	Site
	Days []SheetDay // by date
}

// SheetDay is one date of a SheetLine. Has marks the groups that have a share that day
// (bit g for group g): a group without one is not the same as a share of none, which a
// search still reports.
type SheetDay struct {
	Date     Date
	Has      uint16
	Capacity [Groups]int32
	Booked   [Groups]int32
}

// LineOf packs a site's shares, ordered by date and group as ShareSheet gives them.
func LineOf(s SiteShares) SheetLine {
	days := 0
	for i, sh := range s.Shares {
		if i == 0 || sh.Date != s.Shares[i-1].Date {
			days++
		}
	}
	line := SheetLine{Site: s.Site, Days: make([]SheetDay, 0, days)} // exact: no slack kept per site
	for _, sh := range s.Shares {
		if sh.Group < 0 || sh.Group >= Groups {
			continue
		}
		if n := len(line.Days); n == 0 || line.Days[n-1].Date != sh.Date {
			line.Days = append(line.Days, SheetDay{Date: sh.Date})
		}
		d := &line.Days[len(line.Days)-1]
		d.Has |= 1 << sh.Group
		d.Capacity[sh.Group], d.Booked[sh.Group] = int32(sh.Capacity), int32(sh.Booked)
	}
	return line
}

// Take counts one more place booked in the group's share on the date, if the line has
// that share and it has room; it reports whether it did.
func (l *SheetLine) Take(d Date, group int) bool {
	i := sort.Search(len(l.Days), func(i int) bool { return !l.Days[i].Date.Before(d) })
	if i == len(l.Days) || l.Days[i].Date != d || group < 0 || group >= Groups || l.Days[i].Has&(1<<group) == 0 {
		return false
	}
	day := &l.Days[i]
	if day.Booked[group] >= day.Capacity[group] {
		return false
	}
	day.Booked[group]++
	return true
}

// SearchSheet answers q from a campaign's sheet — its sites with shares, ordered by ID —
// exactly as Sites.SearchSites answers it from the store: the sites after q.AfterID that
// pass the province, district and name filters (the name as a case-insensitive
// substring, taken literally), at most the query's limit of them, each with the places
// a searcher can book per date from q.From to q.To (the campaign's vaccination dates
// where unset; vaccinationFrom and vaccinationTo are the campaign's), summed over the
// searcher's own group's share or, pooled, over every group's.
func SearchSheet(sheet []SheetLine, q SiteQuery, vaccinationFrom, vaccinationTo Date) []SiteAvailability {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	limit = min(limit, MaxSearchLimit)
	lo, hi := q.From, q.To
	if lo.IsZero() {
		lo = vaccinationFrom
	}
	if hi.IsZero() {
		hi = vaccinationTo
	}
	name := strings.ToLower(q.Name)
	out := []SiteAvailability{}
	start := sort.Search(len(sheet), func(i int) bool { return sheet[i].ID > q.AfterID })
	for _, line := range sheet[start:] {
		if len(out) == limit {
			break
		}
		if (q.Province != "" && line.Province != q.Province) || (q.District != "" && line.District != q.District) ||
			(name != "" && !strings.Contains(strings.ToLower(line.Name), name)) {
			continue
		}
		out = append(out, SiteAvailability{Site: line.Site, Dates: datesOf(line.Days, q, lo, hi)})
	}
	return out
}

// datesOf sums a line's days within [lo, hi] over the searcher's group's share, or
// over every group's when pooled; a day without such a share is left out.
func datesOf(days []SheetDay, q SiteQuery, lo, hi Date) []DateAvailability {
	var dates []DateAvailability
	start := sort.Search(len(days), func(i int) bool { return !days[i].Date.Before(lo) })
	for _, d := range days[start:] {
		if hi.Before(d.Date) {
			break
		}
		n, has := 0, false
		for g := range Groups {
			if d.Has&(1<<g) != 0 && (q.Pooled || g == q.Group) {
				n += int(d.Capacity[g] - d.Booked[g])
				has = true
			}
		}
		if has {
			dates = append(dates, DateAvailability{Date: d.Date, Remaining: n})
		}
	}
	return dates
}
