package stats

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"
)

// WriteCSV writes the rates, then the hourly counts and the totals, as one CSV table
// with a "section" column, so that a spreadsheet opens it without a second file.
func WriteCSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	write := func(rec ...string) { _ = cw.Write(rec) } // errors surface at Flush
	write("section", "dimension", "key", "eligible", "booked", "no_show", "percent")
	for _, x := range r.Rates {
		write("rate", x.Dimension, x.Key, strconv.Itoa(x.Eligible), strconv.Itoa(x.Booked),
			strconv.Itoa(x.NoShow), strconv.FormatFloat(x.Percent, 'f', 1, 64))
	}
	for _, h := range r.Hourly {
		write("hourly", "hour", h.Hour.Format(time.RFC3339), "", strconv.Itoa(h.Bookings), "", "")
	}
	write("total", "cancellations", "all", "", strconv.Itoa(r.Cancellations), "", "")
	write("total", "no_shows", "all", "", strconv.Itoa(r.NoShows), "", "")
	cw.Flush()
	return cw.Error()
}
