package imports

import (
	"fmt"
	"io"
	"math"
	"slices"

	"vaxbook/regions"

	"vaxbook"
)

// The headers of the four files, in the order a template lists them.
var (
	SiteColumns     = []string{"id", "name", "province", "district", "address", "kind"}
	CapacityColumns = []string{"site_id", "date", "quantity"}
	PlanColumns     = []string{"site_id", "date", "product", "doses"}
	EligibleColumns = []string{"birth_year", "group", "province", "count"}
)

// provinceOK reports whether p is one of the 17 provinces (시도), as sites are searched
// and counted by them: a misspelt one would make a province that no statistic shows.
func provinceOK(p string) bool { return slices.Contains(regions.Provinces(), p) }

func (r record) province() string {
	p := r.text("province")
	if p != "" && !provinceOK(p) {
		r.fail("province", "%q is not one of the 17 provinces", p)
	}
	return p
}

func (r record) date(column string) vaxbook.Date {
	d, err := vaxbook.ParseDate(r.fields[column])
	if err != nil {
		r.fail(column, "%q is not a date YYYY-MM-DD", r.fields[column])
	}
	return d
}

// Sites parses a sites file: id,name,province,district,address,kind.
func Sites(in io.Reader) ([]vaxbook.Site, Errors) {
	recs, errs := read(in, SiteColumns)
	var out []vaxbook.Site
	ids := seen{}
	for _, r := range recs {
		r.errs = errs
		s := vaxbook.Site{ID: int64(r.int("id", 1, math.MaxInt32)), Name: r.text("name"), Province: r.province(),
			District: r.text("district"), Address: r.fields["address"], Kind: r.text("kind")}
		if s.Kind != "" && s.Kind != "clinic" && s.Kind != "centre" {
			r.fail("kind", "%q is neither clinic nor centre", s.Kind)
		}
		ids.check(r, "id", fmt.Sprint(s.ID))
		out = append(out, s)
	}
	return out, done(*errs)
}

// Capacities parses a daily capacities file: site_id,date,quantity.
func Capacities(in io.Reader) ([]vaxbook.Capacity, Errors) {
	recs, errs := read(in, CapacityColumns)
	var out []vaxbook.Capacity
	keys := seen{}
	for _, r := range recs {
		r.errs = errs
		c := vaxbook.Capacity{SiteID: int64(r.int("site_id", 1, math.MaxInt32)), Date: r.date("date"),
			Quantity: r.int("quantity", 0, 100000)}
		keys.check(r, "date", fmt.Sprintf("site %d on %s", c.SiteID, c.Date))
		out = append(out, c)
	}
	return out, done(*errs)
}

// DeliveryPlans parses a delivery plans file: site_id,date,product,doses.
func DeliveryPlans(in io.Reader) ([]vaxbook.DeliveryPlan, Errors) {
	recs, errs := read(in, PlanColumns)
	var out []vaxbook.DeliveryPlan
	keys := seen{}
	for _, r := range recs {
		r.errs = errs
		p := vaxbook.DeliveryPlan{SiteID: int64(r.int("site_id", 1, math.MaxInt32)), Date: r.date("date"),
			Product: r.text("product"), Doses: r.int("doses", 0, 1000000)}
		keys.check(r, "product", fmt.Sprintf("%s at site %d on %s", p.Product, p.SiteID, p.Date))
		out = append(out, p)
	}
	return out, done(*errs)
}

// Eligible parses an eligible-population file: birth_year,group,province,count.
func Eligible(in io.Reader) ([]vaxbook.Eligible, Errors) {
	recs, errs := read(in, EligibleColumns)
	var out []vaxbook.Eligible
	keys := seen{}
	for _, r := range recs {
		r.errs = errs
		e := vaxbook.Eligible{BirthYear: r.int("birth_year", 1900, 2100), Group: r.int("group", 0, 9),
			Province: r.province(), Count: r.int("count", 0, 100000000)}
		keys.check(r, "province", fmt.Sprintf("%d group %d in %s", e.BirthYear, e.Group, e.Province))
		out = append(out, e)
	}
	return out, done(*errs)
}

// done returns nil for no errors, so that callers can test the Errors against nil.
func done(errs []LineError) Errors {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b LineError) int { return a.Line - b.Line })
	return errs
}
