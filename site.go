package vaxbook

// Site is a place that vaccinates: a contracted clinic (위탁의료기관) or a vaccination
// centre (예방접종센터).
type Site struct {
	ID       int64
	Name     string
	Province string // 시도, one of the 17
	District string // 시군구
	Address  string
	Kind     string // "clinic" or "centre"
	// Phone is the site's telephone number as people dial it ("02-555-0142"); empty
	// when none was loaded.
	Phone string
}

// SiteQuery selects sites for a search. Empty fields match everything; Name matches a
// substring. Limit bounds the result (the store caps it).
type SiteQuery struct {
	CampaignID int64
	Province   string
	District   string
	Name       string
	// From and To bound the vaccination dates whose remaining places are reported.
	From, To Date
	// Group is the searcher's rotation group; Pooled says whether the searcher books
	// from the pool (the open period) rather than from their own group's share.
	Group  int
	Pooled bool
	Limit  int
	// AfterID returns sites with a larger ID, for paging.
	AfterID int64
}

// PageLimit returns how many sites the query asks for: its Limit, DefaultSearchLimit
// when unset, and never more than MaxSearchLimit.
func (q SiteQuery) PageLimit() int {
	if q.Limit <= 0 {
		return DefaultSearchLimit
	}
	return min(q.Limit, MaxSearchLimit)
}

// SiteAvailability is a site with the places a searcher can book per date.
type SiteAvailability struct {
	Site
	Dates []DateAvailability
}

// DateAvailability is the number of places a searcher can book at a site on a date.
type DateAvailability struct {
	Date      Date
	Remaining int
}
