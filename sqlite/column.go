package sqlite

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vaxbook"
)

// The conversions between domain values and columns. Dates are TEXT 'YYYY-MM-DD' (a zero
// Date is NULL) and instants INTEGER unix microseconds (a zero time is NULL), both of
// which order correctly in SQL; instants come back in vaxbook.Seoul.

// dateArg returns the column value of d.
func dateArg(d vaxbook.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// parseDate returns the Date of a nullable date column.
func parseDate(s sql.NullString) (vaxbook.Date, error) {
	if !s.Valid || s.String == "" {
		return vaxbook.Date{}, nil
	}
	d, err := vaxbook.ParseDate(s.String)
	if err != nil {
		return vaxbook.Date{}, fmt.Errorf("date column %q: %w", s.String, err)
	}
	return d, nil
}

// nullString stores an empty string as NULL, as "not set yet".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timeArg returns the column value of t.
func timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// parseTime returns the instant of a nullable time column.
func parseTime(us sql.NullInt64) time.Time {
	if !us.Valid {
		return time.Time{}
	}
	return time.UnixMicro(us.Int64).In(vaxbook.Seoul)
}

// formatWeights returns weights as ten comma-separated integers.
func formatWeights(w [vaxbook.Groups]int) string {
	parts := make([]string, len(w))
	for i, x := range w {
		parts[i] = strconv.Itoa(x)
	}
	return strings.Join(parts, ",")
}

// parseWeights reads what formatWeights wrote.
func parseWeights(s string) ([vaxbook.Groups]int, error) {
	var w [vaxbook.Groups]int
	parts := strings.Split(s, ",")
	if len(parts) != vaxbook.Groups {
		return w, fmt.Errorf("weights %q: want %d values", s, vaxbook.Groups)
	}
	for i, p := range parts {
		x, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return w, fmt.Errorf("weights %q: %w", s, err)
		}
		w[i] = x
	}
	return w, nil
}

// activeStatuses is the SQL list of the statuses that hold a place. It must match the
// WHERE of the partial indexes so that the planner can use them.
const activeStatuses = "('booked', 'confirmed')"
