package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"vaxbook"
	"vaxbook/demo"
)

// siteBase is the first site ID the benchmark uses. Sites are shared by every campaign
// and upserted by ID, so the benchmark keeps far above the IDs of real or demo sites
// (about 14,000) and never overwrites one.
const siteBase = 900_000_000

// bookAt lies in the open period of the 2021 campaign, when every group may book from
// the pooled shares; the vaccination dates are more than 14 days later, so every
// reservation is "booked".
var bookAt = vaxbook.MustDate("2021-08-20").At(10, 0)

// firstDate is the first vaccination date the benchmark books.
var firstDate = vaxbook.MustDate("2021-09-10")

// prepare creates the benchmark's own campaign (the 2021 one under another name), two
// disjoint sets of sites with capacity (one per phase, so both have room), and the
// verified persons of both phases, and returns the two phases' requests.
func prepare(ctx context.Context, store vaxbook.Store, o BookingOptions) (vaxbook.Campaign, [2][]vaxbook.BookRequest, error) {
	c := demo.Campaign2021()
	c.Name = fmt.Sprintf("bench booking %s", time.Now().Format(time.RFC3339Nano))
	if err := store.CreateCampaign(ctx, &c); err != nil {
		return c, [2][]vaxbook.BookRequest{}, fmt.Errorf("create campaign: %w", err)
	}
	// Capacity per site and date: the phase's bookings spread over its site-days, plus a
	// quarter, so that most requests find a place and a few shares run full.
	siteDays := o.Sites * o.Dates
	perDay := max(vaxbook.Groups, (o.Bookings*5/4+siteDays-1)/siteDays)
	rng := rand.New(rand.NewPCG(uint64(c.ID), 2021))
	var plans [2][]vaxbook.BookRequest
	for phase := range plans {
		base := int64(siteBase + phase*o.Sites)
		if err := putSites(ctx, store, c, base, o.Sites, o.Dates, perDay); err != nil {
			return c, plans, err
		}
		persons, err := putPersons(ctx, store, c.ID, phase, o.Bookings)
		if err != nil {
			return c, plans, err
		}
		plans[phase] = requests(c, persons, base, o, rng)
	}
	return c, plans, nil
}

// putSites stores n sites from ID base and sets perDay places on each of dates days.
func putSites(ctx context.Context, store vaxbook.Store, c vaxbook.Campaign, base int64, n, dates, perDay int) error {
	sites := make([]vaxbook.Site, n)
	var caps []vaxbook.Capacity
	for i := range sites {
		id := base + int64(i)
		sites[i] = vaxbook.Site{ID: id, Name: fmt.Sprintf("벤치의원 %d", id), Province: "세종특별자치시",
			District: "벤치구", Address: "bench", Kind: "clinic"}
		for d := range dates {
			caps = append(caps, vaxbook.Capacity{SiteID: id, Date: firstDate.AddDays(d), Quantity: perDay})
		}
	}
	if err := store.PutSites(ctx, sites); err != nil {
		return fmt.Errorf("put sites: %w", err)
	}
	if err := store.SetCapacities(ctx, c.ID, caps); err != nil {
		return fmt.Errorf("set capacities: %w", err)
	}
	return nil
}

// bulkPersons is implemented by stores that load many persons in one statement.
type bulkPersons interface {
	PutPersons(ctx context.Context, ps []vaxbook.Person) error
}

// putPersons stores n verified persons of a phase. Their keys look like the keyed
// hashes of production (random, so the index grows as it does under real load) and
// their birth days spread them over the ten groups.
func putPersons(ctx context.Context, store vaxbook.Store, campaignID int64, phase, n int) ([]vaxbook.Person, error) {
	ps := make([]vaxbook.Person, n)
	for i := range ps {
		sum := sha256.Sum256(fmt.Appendf(nil, "bench/%d/%d/%d", campaignID, phase, i))
		ps[i] = vaxbook.Person{
			Key:      hex.EncodeToString(sum[:]),
			Name:     fmt.Sprintf("벤치%d", i),
			Birth:    vaxbook.NewDate(1975+i%25, time.Month(1+i%12), 1+i%28),
			PhoneEnc: sum[:16],
		}
	}
	bulk, ok := store.(bulkPersons)
	for start := 0; start < n; start += 10_000 {
		chunk := ps[start:min(n, start+10_000)]
		if ok {
			if err := bulk.PutPersons(ctx, chunk); err != nil {
				return nil, fmt.Errorf("put persons: %w", err)
			}
			continue
		}
		for _, p := range chunk {
			if err := store.PutPerson(ctx, p); err != nil {
				return nil, fmt.Errorf("put person: %w", err)
			}
		}
	}
	return ps, nil
}

// requests returns one pooled request per person at a random site and date of the
// phase, in random order. A fraction o.Repeats of them is replaced by a second request
// of a person asked before (the same resident from another device), which the store
// must refuse as already_booked.
func requests(c vaxbook.Campaign, ps []vaxbook.Person, base int64, o BookingOptions, rng *rand.Rand) []vaxbook.BookRequest {
	reqs := make([]vaxbook.BookRequest, len(ps))
	for i, p := range ps {
		d := firstDate.AddDays(rng.IntN(o.Dates))
		reqs[i] = vaxbook.BookRequest{
			CampaignID: c.ID, PersonKey: p.Key, SiteID: base + int64(rng.IntN(o.Sites)),
			Date: d, SecondDate: c.SecondDose(d), Group: vaxbook.GroupOf(p.Birth), Pooled: true,
			Status: vaxbook.InitialStatus(d, bookAt), At: bookAt,
		}
	}
	rng.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
	for i := range reqs {
		if i > 0 && rng.Float64() < o.Repeats {
			again := reqs[rng.IntN(i)]
			again.SiteID = base + int64(rng.IntN(o.Sites))
			reqs[i] = again
		}
	}
	return reqs
}
