package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"vaxbook"
)

// campaignInput is an operator's definition of a campaign. In an edit (PUT) the fields
// second_dose_days, weights and windows may be left out to keep what is stored; a
// rotation, when given, appends the rotation windows of rule 2 for its days to the
// windows, so that ten windows need not be typed one by one.
type campaignInput struct {
	Name            string         `json:"name"`
	CohortFrom      string         `json:"cohort_from"`
	CohortTo        string         `json:"cohort_to"`
	VaccinationFrom string         `json:"vaccination_from"`
	VaccinationTo   string         `json:"vaccination_to"`
	SecondDoseDays  *int           `json:"second_dose_days"`
	Weights         *[]int         `json:"weights"`
	Windows         *[]windowInput `json:"windows"`
	Rotation        *struct {
		First string `json:"first"`
		Last  string `json:"last"`
	} `json:"rotation"`
}

// windowInput is one booking window: group null opens it to everyone, from what is left
// of every share (the open period); instants are RFC 3339.
type windowInput struct {
	Group  *int   `json:"group"`
	Opens  string `json:"opens"`
	Closes string `json:"closes"`
}

// adminCampaignJSON is the operator's view of a campaign: the public one and its weights.
type adminCampaignJSON struct {
	campaignJSON
	Weights []int `json:"weights"`
}

func adminCampaignView(c vaxbook.Campaign) adminCampaignJSON {
	return adminCampaignJSON{campaignJSON: campaignView(c), Weights: c.Weights[:]}
}

// adminCreateCampaign creates a campaign from the operator's definition, checked whole
// by the domain's rules; a refusal lists every field at fault.
func (s *Server) adminCreateCampaign(w http.ResponseWriter, r *http.Request) {
	var in campaignInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := in.campaign(vaxbook.Campaign{Weights: vaxbook.EqualWeights()}, false)
	if err != nil {
		s.writeFieldErrors(w, r, err)
		return
	}
	if err := s.campaigns.Create(r.Context(), &c); err != nil {
		s.writeFieldErrors(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, adminCampaignView(c))
}

// adminUpdateCampaign replaces a campaign's definition. The store checks the edit
// against the reservations held at that moment: one that would strand them is refused
// with strands_reservations, naming the fields.
func (s *Server) adminUpdateCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var in campaignInput
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.campaigns.Edit(r.Context(), id, func(old vaxbook.Campaign) (vaxbook.Campaign, error) {
		return in.campaign(old, true)
	})
	if err != nil {
		s.writeFieldErrors(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, adminCampaignView(c))
}

// campaign builds the campaign the input defines on top of base (the stored campaign in
// an edit, defaults in a creation) and validates it. Every field that cannot be read
// and every rule broken come back together as *vaxbook.FieldErrors.
func (in campaignInput) campaign(base vaxbook.Campaign, edit bool) (vaxbook.Campaign, error) {
	fe := &vaxbook.FieldErrors{Code: vaxbook.CodeInvalidInput}
	bad := func(field, reason, msg string) {
		fe.Fields = append(fe.Fields, vaxbook.FieldError{Field: field, Reason: reason, Message: msg})
	}
	c := base
	c.Name = strings.TrimSpace(in.Name)
	for _, d := range []struct {
		field, value string
		dst          *vaxbook.Date
	}{
		{"cohort_from", in.CohortFrom, &c.CohortFrom}, {"cohort_to", in.CohortTo, &c.CohortTo},
		{"vaccination_from", in.VaccinationFrom, &c.VaccinationFrom}, {"vaccination_to", in.VaccinationTo, &c.VaccinationTo},
	} {
		*d.dst = vaxbook.Date{}
		if d.value == "" {
			continue // Validate says it is required
		}
		v, err := vaxbook.ParseDate(d.value)
		if err != nil {
			bad(d.field, vaxbook.ReasonFormat, "a date is written YYYY-MM-DD")
			continue
		}
		*d.dst = v
	}
	switch {
	case in.SecondDoseDays != nil:
		c.SecondDoseDays = *in.SecondDoseDays
	case !edit:
		bad("second_dose_days", vaxbook.ReasonRequired, "the second-dose interval in days is required (0 for one dose)")
	}
	if in.Weights != nil {
		if len(*in.Weights) != vaxbook.Groups {
			bad("weights", vaxbook.ReasonRange, fmt.Sprintf("weights are %d numbers, one per group", vaxbook.Groups))
		} else {
			copy(c.Weights[:], *in.Weights)
		}
	}
	if in.Windows != nil {
		c.Windows = nil
		for i, wi := range *in.Windows {
			f := fmt.Sprintf("windows[%d]", i)
			w := vaxbook.Window{Group: vaxbook.AllGroups}
			if wi.Group != nil {
				w.Group = *wi.Group
				if w.Group < 0 {
					w.Group = vaxbook.Groups // a group Validate refuses; -1 is "everyone" only inside
				}
			}
			for _, t := range []struct {
				name, value string
				dst         *time.Time
			}{{"opens", wi.Opens, &w.Opens}, {"closes", wi.Closes, &w.Closes}} {
				if t.value == "" {
					continue
				}
				v, err := time.Parse(time.RFC3339, t.value)
				if err != nil {
					bad(f+"."+t.name, vaxbook.ReasonFormat, "an instant is written as RFC 3339, such as 2021-08-12T20:00:00+09:00")
					continue
				}
				*t.dst = v.In(vaxbook.Seoul)
			}
			c.Windows = append(c.Windows, w)
		}
	}
	if ro := in.Rotation; ro != nil {
		first, err1 := vaxbook.ParseDate(ro.First)
		last, err2 := vaxbook.ParseDate(ro.Last)
		switch {
		case err1 != nil:
			bad("rotation.first", vaxbook.ReasonFormat, "a date is written YYYY-MM-DD")
		case err2 != nil:
			bad("rotation.last", vaxbook.ReasonFormat, "a date is written YYYY-MM-DD")
		case last.Before(first):
			bad("rotation.last", vaxbook.ReasonOrder, "the last rotation day comes before the first")
		case first.DaysUntil(last) >= vaxbook.MaxWindows:
			bad("rotation.last", vaxbook.ReasonTooManyWindows, fmt.Sprintf("a campaign has at most %d windows", vaxbook.MaxWindows))
		default:
			c.Windows = append(c.Windows, vaxbook.RotationWindows(first, last)...)
		}
	}
	var rules *vaxbook.FieldErrors
	if errors.As(c.Validate(), &rules) {
		for _, f := range rules.Fields {
			if !fe.Has(f.Field) {
				fe.Fields = append(fe.Fields, f)
			}
		}
	}
	if len(fe.Fields) > 0 {
		return vaxbook.Campaign{}, fe
	}
	return c, nil
}

// fieldErrorJSON is one field at fault in a problem's "errors".
type fieldErrorJSON struct {
	Field   string `json:"field"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// writeFieldErrors sends a refusal that names fields as a problem with its "errors", so
// that a form shows each next to its field; any other error goes to writeError.
func (s *Server) writeFieldErrors(w http.ResponseWriter, r *http.Request, err error) {
	var fe *vaxbook.FieldErrors
	if !errors.As(err, &fe) {
		s.writeError(w, r, err)
		return
	}
	status, ok := statusOf[fe.Code]
	if !ok {
		status = http.StatusBadRequest
	}
	out := make([]fieldErrorJSON, 0, len(fe.Fields))
	for _, f := range fe.Fields {
		out = append(out, fieldErrorJSON{f.Field, f.Reason, f.Message})
	}
	p := newProblem(fe.Code, status, vaxbook.ErrorMessage(err))
	p.Errors = out
	s.writeProblem(w, p)
}
