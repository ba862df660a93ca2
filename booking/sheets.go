package booking

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"vaxbook"
)

// Sheets keeps a copy in memory of each searched campaign's sheet of places and answers
// site searches from it (vaxbook.SearchSheet), so that the searches of the surge cost
// no database round trip: at 20:00 they were a third of the database's time.
//
// How fresh the copy is (docs/OPERATIONS.md says the same to operators):
//   - a place booked on any instance leaves the copy within FeedEvery (1 s): the feed
//     reads the reservations made since its last read, by ID, through the primary key;
//     an ID skipped because its transaction had not committed yet is asked for again
//     until it appears or HoleTTL passes;
//   - places given back (a cancellation, the old place of a change), capacity an
//     operator adds on another instance and new sites reach it with the paged re-read
//     of the whole sheet, within RefreshEvery (5 min); an edit on this instance drops
//     the copy at once (Service.Forget).
//
// So the copy may show fewer places than are left for up to RefreshEvery, and more than
// are left only for FeedEvery (or, for capacity an operator removes on another instance,
// RefreshEvery). The booking transaction alone decides: a place shown but gone costs
// the resident a share_full answer, never an overbooking.
//
// One goroutine (Run) reads the feed and the pages, so a page installed never races a
// feed entry: an entry applied after a page that already counted it shows one place
// fewer until the next re-read, the safe direction.
type Sheets struct {
	store vaxbook.Sheets
	cfg   SheetsConfig
	log   *slog.Logger

	mu     sync.RWMutex
	loaded map[int64]*sheet
	wanted map[int64]bool

	// The feed's state, owned by Run's goroutine.
	started bool
	after   int64
	holes   map[int64]time.Time // IDs below after not seen yet, with when first missed
}

// SheetsConfig sets how the copies follow the store. Zero fields take the defaults.
type SheetsConfig struct {
	FeedEvery    time.Duration // how often the feed is read (default 1 s)
	RefreshEvery time.Duration // how often each sheet is re-read whole (default 5 min)
	HoleTTL      time.Duration // how long a skipped reservation ID is asked for again (default 1 min)
	PageSites    int           // sites per page of a re-read (default 100)
	FeedLimit    int           // reservations per feed read (default 5,000)
}

func (c SheetsConfig) withDefaults() SheetsConfig {
	if c.FeedEvery <= 0 {
		c.FeedEvery = time.Second
	}
	if c.RefreshEvery <= 0 {
		c.RefreshEvery = 5 * time.Minute
	}
	if c.HoleTTL <= 0 {
		c.HoleTTL = time.Minute
	}
	if c.PageSites <= 0 {
		c.PageSites = 100
	}
	if c.FeedLimit <= 0 {
		c.FeedLimit = 5000
	}
	return c
}

// sheet is one campaign's copy: its sites by ID, each with its shares by date and group.
type sheet struct {
	lines  []vaxbook.SheetLine
	index  map[int64]int // site ID → line
	readAt time.Time     // when the last whole re-read began
}

// NewSheets returns Sheets over the store; Run must be running for searches to be
// served from memory (until a campaign's copy is loaded its searches go to the store).
func NewSheets(store vaxbook.Sheets, cfg SheetsConfig, log *slog.Logger) *Sheets {
	if log == nil {
		log = slog.Default()
	}
	return &Sheets{store: store, cfg: cfg.withDefaults(), log: log,
		loaded: map[int64]*sheet{}, wanted: map[int64]bool{}, holes: map[int64]time.Time{}}
}

// Search answers q from the campaign's copy; ok is false while there is none yet, and
// asks Run to load it.
func (s *Sheets) Search(q vaxbook.SiteQuery, vaccinationFrom, vaccinationTo vaxbook.Date) (sites []vaxbook.SiteAvailability, ok bool) {
	s.mu.RLock()
	sh := s.loaded[q.CampaignID]
	if sh != nil {
		sites = vaxbook.SearchSheet(sh.lines, q, vaccinationFrom, vaccinationTo)
	}
	wanted := s.wanted[q.CampaignID]
	s.mu.RUnlock()
	if sh != nil {
		return sites, true
	}
	if !wanted {
		s.mu.Lock()
		s.wanted[q.CampaignID] = true
		s.mu.Unlock()
	}
	return nil, false
}

// Want asks Run to load the campaigns' copies at its next tick rather than at their
// first search, so that an instance started before an opening meets it with its copies
// ready.
func (s *Sheets) Want(campaignIDs ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range campaignIDs {
		if _, ok := s.loaded[id]; !ok {
			s.wanted[id] = true
		}
	}
}

// Forget drops the campaign's copy (an operator changed its capacity or sites); its
// searches go to the store until Run has loaded it again.
func (s *Sheets) Forget(campaignID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.loaded[campaignID]; ok {
		delete(s.loaded, campaignID)
		s.wanted[campaignID] = true
	}
}

// Run reads the feed every FeedEvery, loads the campaigns searched and re-reads each
// copy every RefreshEvery, until ctx ends. A failed read is logged and tried again at
// the next tick; the copies meanwhile keep what they had.
func (s *Sheets) Run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.FeedEvery)
	defer tick.Stop()
	for {
		if err := s.step(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("search sheets: read failed; trying again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// step does one tick's work: the feed, then any campaign to load or re-read.
func (s *Sheets) step(ctx context.Context, now time.Time) error {
	if err := s.follow(ctx, now); err != nil {
		return err
	}
	for _, id := range s.due(now) {
		if err := s.load(ctx, id, now); err != nil {
			return err
		}
	}
	return nil
}

// due returns the campaigns to load: those searched without a copy, and those whose
// copy is older than RefreshEvery.
func (s *Sheets) due(now time.Time) []int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []int64
	for id := range s.wanted {
		ids = append(ids, id)
	}
	for id, sh := range s.loaded {
		if now.Sub(sh.readAt) >= s.cfg.RefreshEvery {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// follow reads the reservations made since the feed's last read and takes their places
// off the copies. It starts from the store's last ID, since a copy loaded later counts
// everything before.
func (s *Sheets) follow(ctx context.Context, now time.Time) error {
	if !s.started {
		last, err := s.store.LastReservationID(ctx)
		if err != nil {
			return err
		}
		s.after, s.started = last, true
		return nil
	}
	for {
		taken, err := s.store.PlacesTaken(ctx, s.after, s.asked(now), s.cfg.FeedLimit)
		if err != nil {
			return err
		}
		s.take(taken, now)
		if len(taken) < s.cfg.FeedLimit {
			return nil
		}
	}
}

// asked returns the holes to ask for again, letting go of those missed for HoleTTL:
// rolled back, or committed too late to matter before the next re-read.
func (s *Sheets) asked(now time.Time) []int64 {
	also := make([]int64, 0, len(s.holes))
	for id, missed := range s.holes {
		if now.Sub(missed) >= s.cfg.HoleTTL {
			delete(s.holes, id)
			continue
		}
		also = append(also, id)
	}
	return also
}

// take applies a feed read: each place still held comes off its share in the copy, and
// the IDs skipped between the last one seen and each new one become holes.
func (s *Sheets) take(taken []vaxbook.PlaceTaken, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range taken {
		if p.ID > s.after {
			for id := s.after + 1; id < p.ID && len(s.holes) < maxHoles; id++ {
				s.holes[id] = now
			}
			s.after = p.ID
		} else {
			delete(s.holes, p.ID)
		}
		if p.Holds {
			s.loaded[p.CampaignID].takePlace(p)
		}
	}
}

// maxHoles bounds the IDs asked for again: a gap wider than this (a sequence jump after
// a failover) is let go, as a hole whose time passed would be.
const maxHoles = 100_000

// takePlace counts one more place booked in the share p drew from, if the copy has it.
func (sh *sheet) takePlace(p vaxbook.PlaceTaken) {
	if sh == nil {
		return
	}
	if i, ok := sh.index[p.SiteID]; ok { // a site added since the last re-read arrives with the next
		sh.lines[i].Take(p.Date, p.Group)
	}
}

// load reads the campaign's whole sheet page by page and installs it as one copy.
func (s *Sheets) load(ctx context.Context, campaignID int64, now time.Time) error {
	began := time.Now()
	fresh := &sheet{index: map[int64]int{}, readAt: now}
	for after := int64(0); ; {
		page, err := s.store.ShareSheet(ctx, campaignID, after, s.cfg.PageSites)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, line := range page {
			fresh.index[line.ID] = len(fresh.lines)
			fresh.lines = append(fresh.lines, vaxbook.LineOf(line))
		}
		after = page[len(page)-1].ID
	}
	s.mu.Lock()
	s.loaded[campaignID] = fresh
	delete(s.wanted, campaignID)
	s.mu.Unlock()
	s.log.Info("search sheet loaded", "campaign", campaignID, "sites", len(fresh.lines), "took", time.Since(began).Round(time.Millisecond))
	return nil
}
