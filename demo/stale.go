package demo

import (
	"context"
	"fmt"
	"log/slog"

	"vaxbook"
)

// StaleError says that a database holds demo data made with other flags than the ones
// given: loading never overwrites data, so the difference would otherwise be silently
// ignored.
type StaleError struct {
	Flag string // "--demo-sites" or "--demo-seed"
	Have string // what the database was made with, when it can be told
	Want string // the flag's value now
}

func (e *StaleError) Error() string {
	if e.Flag == "--demo-sites" {
		return fmt.Sprintf("the database holds demo data made with --demo-sites %s, not %s: "+
			"delete the database file (vaxbook.db by default) to load it again with the new flags, "+
			"or pass --demo-sites %[1]s", e.Have, e.Want)
	}
	return fmt.Sprintf("the database holds demo data made with another --demo-seed than %s: "+
		"delete the database file (vaxbook.db by default) to load it again with the new flags, "+
		"or pass the --demo-seed it was made with", e.Want)
}

// checkSites tells whether the sites in s are those opts make. The data is its own
// record of the flags: sites are numbered 1…n, so n is found by looking IDs up, and
// names and addresses depend on the seed, so a few sample sites tell it. Sites loaded
// before sites had phone numbers get them here.
func checkSites(ctx context.Context, s vaxbook.Store, opts Options, log *slog.Logger) error {
	n, err := countSites(ctx, s)
	if err != nil {
		return err
	}
	if n != opts.Sites {
		return &StaleError{Flag: "--demo-sites", Have: fmt.Sprint(n), Want: fmt.Sprint(opts.Sites)}
	}
	want := Sites(opts.Sites, opts.Seed)
	phoneless := false
	for _, i := range []int{0, n / 3, n / 2, n - 1} {
		got, err := s.Site(ctx, want[i].ID)
		if err != nil {
			return fmt.Errorf("demo: check site %d: %w", want[i].ID, err)
		}
		if got.Name != want[i].Name || got.Address != want[i].Address {
			return &StaleError{Flag: "--demo-seed", Want: fmt.Sprint(opts.Seed)}
		}
		phoneless = phoneless || got.Phone == ""
	}
	if phoneless {
		log.Info("demo sites: adding their phone numbers")
		for lo := 0; lo < len(want); lo += siteBatch {
			if err := s.PutSites(ctx, want[lo:min(lo+siteBatch, len(want))]); err != nil {
				return fmt.Errorf("demo: add site phones: %w", err)
			}
		}
	}
	return nil
}

// countSites returns the largest n with sites 1…n all present, by binary search over
// site IDs (about 20 lookups for the default 14,000).
func countSites(ctx context.Context, s vaxbook.Store) (int, error) {
	exists := func(id int) (bool, error) {
		_, err := s.Site(ctx, int64(id))
		if vaxbook.ErrorCode(err) == vaxbook.CodeNotFound {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("demo: count sites: %w", err)
		}
		return true, nil
	}
	hi := 1
	for {
		ok, err := exists(hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		hi *= 2
	}
	lo := hi / 2 // exists(lo) (or lo is 0); !exists(hi)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		ok, err := exists(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, nil
}
