package postgres_test

import (
	"fmt"
	"sync"
	"testing"

	"vaxbook"
)

// TestConcurrentBookingsTakeEveryPlaceOnce races 100 persons of two groups for three
// places per group, from their own shares and from the pool: a share locked by another
// booker must neither be overbooked nor make a booker give up while places remain.
func TestConcurrentBookingsTakeEveryPlaceOnce(t *testing.T) {
	for _, pooled := range []bool{false, true} {
		t.Run(fmt.Sprintf("pooled=%v", pooled), func(t *testing.T) {
			s, c := mustSetup(t, 30)
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				ok, full int
			)
			for i := range 100 {
				wg.Go(func() {
					req := request(c, fmt.Sprintf("person%d", i), i%2, pooled)
					err := s.Book(t.Context(), []vaxbook.BookRequest{req})[0].Err
					mu.Lock()
					defer mu.Unlock()
					switch vaxbook.ErrorCode(err) {
					case "":
						ok++
					case vaxbook.CodeShareFull:
						full++
					default:
						t.Errorf("Book: %v", err)
					}
				})
			}
			wg.Wait()
			want := 6 // groups 0 and 1 only
			if pooled {
				want = 30
			}
			if ok != want || full != 100-want {
				t.Errorf("%d booked, %d full; want %d booked", ok, full, want)
			}
			wantHealthy(t, s, c, want)
		})
	}
}

// TestChangeWithinAFullShare moves a reservation to the full share it already holds a
// place in: the old place is given back before the new one is taken.
func TestChangeWithinAFullShare(t *testing.T) {
	s, c := mustSetup(t, 10) // one place per group
	r := s.Book(t.Context(), []vaxbook.BookRequest{request(c, "p1", 1, false)})[0]
	if r.Err != nil {
		t.Fatalf("Book: %v", r.Err)
	}
	moved, err := s.Change(t.Context(), vaxbook.ChangeRequest{OldID: r.Reservation.ID, New: request(c, "p1", 1, false)})
	if err != nil || moved.ID == r.Reservation.ID {
		t.Fatalf("Change within the full share: %+v, %v", moved, err)
	}
	wantHealthy(t, s, c, 1)
}
