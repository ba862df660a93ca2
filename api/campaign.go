package api

import (
	"net/http"
	"strconv"

	"vaxbook"
)

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := s.campaigns.List(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []campaignJSON{}
	for _, c := range cs {
		out = append(out, campaignView(c))
	}
	s.writeJSON(w, http.StatusOK, campaignsJSON{Campaigns: out})
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.booking.Campaign(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, campaignView(c))
}

// eligibility answers "my booking day" from a birth date alone, without sign-in.
func (s *Server) eligibility(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	birth, err := vaxbook.ParseDate(r.URL.Query().Get("birth"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := s.booking.Eligibility(r.Context(), id, birth)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, eligibilityView(e, s.clock.Now()))
}

// searchSites lists sites with remaining places per date. A verified resident sees the
// places of the share they book from; anyone else sees the pool.
func (s *Server) searchSites(w http.ResponseWriter, r *http.Request) {
	q, err := siteQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.resident(r)
	resident := &res
	if err != nil {
		if vaxbook.ErrorCode(err) != vaxbook.CodeUnauthorized {
			s.writeError(w, r, err)
			return
		}
		resident = nil
	}
	found, err := s.booking.Search(r.Context(), resident, q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := []availabilityJSON{}
	for _, a := range found {
		v := availabilityJSON{siteJSON: siteView(a.Site), Dates: []dateJSON{}}
		for _, d := range a.Dates {
			v.Dates = append(v.Dates, dateJSON{d.Date.String(), d.Remaining})
		}
		out = append(out, v)
	}
	s.writeJSON(w, http.StatusOK, sitesJSON{Sites: out})
}

// siteQuery parses the search parameters, refusing malformed ones.
func siteQuery(r *http.Request) (vaxbook.SiteQuery, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return vaxbook.SiteQuery{}, err
	}
	v := r.URL.Query()
	q := vaxbook.SiteQuery{CampaignID: id, Province: v.Get("province"), District: v.Get("district"), Name: v.Get("name"), Limit: 20}
	for _, f := range []string{q.Province, q.District, q.Name} {
		if len([]rune(f)) > 50 {
			return q, vaxbook.Errorf(vaxbook.CodeInvalidInput, "search terms are limited to 50 characters")
		}
	}
	for name, dst := range map[string]*vaxbook.Date{"from": &q.From, "to": &q.To} {
		if s := v.Get(name); s != "" {
			d, err := vaxbook.ParseDate(s)
			if err != nil {
				return q, err
			}
			*dst = d
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			return q, vaxbook.Errorf(vaxbook.CodeInvalidInput, "limit must be a number from 1 to 100")
		}
		q.Limit = n
	}
	if s := v.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return q, vaxbook.Errorf(vaxbook.CodeInvalidInput, "after must be a site id")
		}
		q.AfterID = n
	}
	return q, nil
}
