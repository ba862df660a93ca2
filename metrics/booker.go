package metrics

import (
	"context"

	"vaxbook"
)

// countingBooker counts the outcome of every booking that passes through it.
type countingBooker struct {
	next vaxbook.Booker
	m    *Metrics
}

// Booker returns next with each booking's outcome (booked, share_full, already_booked,
// …) counted, so the dashboard's bookings per second and refusals come from the
// bookings themselves, not from HTTP statuses.
func (m *Metrics) Booker(next vaxbook.Booker) vaxbook.Booker {
	return countingBooker{next: next, m: m}
}

func (b countingBooker) Book(ctx context.Context, reqs []vaxbook.BookRequest) []vaxbook.BookResult {
	res := b.next.Book(ctx, reqs)
	for _, r := range res {
		b.m.ObserveBooking(Outcome(r.Err))
	}
	return res
}
