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

// SearchSheet answers q from a campaign's sheet — its sites with shares, ordered by ID —
// exactly as Sites.SearchSites answers it from the store: the sites after q.AfterID that
// pass the province, district and name filters (the name as a case-insensitive
// substring, taken literally), at most the query's limit of them, each with the places
// a searcher can book per date from q.From to q.To (the campaign's vaccination dates
// where unset; vaccinationFrom and vaccinationTo are the campaign's), summed over the
// searcher's own group's share or, pooled, over every group's.
func SearchSheet(sheet []SiteShares, q SiteQuery, vaccinationFrom, vaccinationTo Date) []SiteAvailability {
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
		out = append(out, SiteAvailability{Site: line.Site, Dates: datesOf(line.Shares, q, lo, hi)})
	}
	return out
}

// datesOf sums a site's shares per date within [lo, hi] over the searcher's group, or
// over all groups when pooled. Shares come ordered by date.
func datesOf(shares []Share, q SiteQuery, lo, hi Date) []DateAvailability {
	var dates []DateAvailability
	for _, sh := range shares {
		if sh.Date.Before(lo) || hi.Before(sh.Date) || (!q.Pooled && sh.Group != q.Group) {
			continue
		}
		if n := len(dates); n > 0 && dates[n-1].Date == sh.Date {
			dates[n-1].Remaining += sh.Remaining()
			continue
		}
		dates = append(dates, DateAvailability{Date: sh.Date, Remaining: sh.Remaining()})
	}
	return dates
}
