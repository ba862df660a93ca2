package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// pgDate turns a calendar day into a DATE argument; the zero Date becomes NULL. pgx
// encodes a DATE from the year, month and day of the time in its own zone, so the day
// is built at UTC midnight and never shifted.
func pgDate(d vaxbook.Date) pgtype.Date {
	if d.IsZero() {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), Valid: true}
}

// fromDate turns a scanned DATE back into a calendar day. pgx returns a DATE as UTC
// midnight, so the day is read from its own fields: converting it to another zone first
// could move it to a neighbouring day.
func fromDate(d pgtype.Date) vaxbook.Date {
	if !d.Valid {
		return vaxbook.Date{}
	}
	y, m, day := d.Time.Date()
	return vaxbook.Date{Year: y, Month: m, Day: day}
}

// pgTime turns an instant into a TIMESTAMPTZ argument; the zero time becomes NULL.
func pgTime(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

// fromTime turns a scanned TIMESTAMPTZ into an instant in Seoul; NULL becomes the zero
// time.
func fromTime(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.In(vaxbook.Seoul)
}
