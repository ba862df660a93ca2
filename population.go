package vaxbook

import (
	"context"
	"time"
)

// Eligible is how many people of a campaign's cohort were born in one year, fall in
// one rotation group and live in one province: the denominator of the booking rate.
type Eligible struct {
	BirthYear int
	Group     int
	Province  string
	Count     int
}

// BookingCount is how many persons of one birth year and rotation group hold a
// reservation at sites in one province (booked, confirmed, vaccinated or no-show, not
// cancelled), and how many of those did not show.
type BookingCount struct {
	BirthYear int
	Group     int
	Province  string
	Booked    int
	NoShow    int
}

// HourCount is how many reservations were made in the hour starting at Hour.
type HourCount struct {
	Hour     time.Time
	Bookings int
}

// BookingCounts are the raw aggregates the statistics are computed from.
type BookingCounts struct {
	Eligible []Eligible
	Cells    []BookingCount
	Hourly   []HourCount
	// Cancellations counts cancellations by persons (a change's release of its old
	// place is not one).
	Cancellations int
}

// Population holds the eligible-population counts and aggregates bookings against them.
// Both stores implement it.
type Population interface {
	// PutEligible inserts or replaces the counts of a campaign, in one transaction.
	PutEligible(ctx context.Context, campaignID int64, rows []Eligible) error
	// BookingCounts aggregates a campaign's reservations in SQL. The province of a
	// booking is its site's: the store keeps no address of persons.
	BookingCounts(ctx context.Context, campaignID int64) (BookingCounts, error)
}
