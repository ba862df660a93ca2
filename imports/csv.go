// Package imports reads the operators' CSV files — sites, daily capacities, delivery
// plans and eligible-population counts — strictly: a header is required, a UTF-8 byte
// order mark is tolerated, anything not UTF-8 is refused, and every error names its
// line and column. A file is parsed and validated whole before anything is applied, and
// is applied in one store transaction, so a file with one bad line changes nothing;
// the stores' upserts make importing the same file twice change nothing the second time.
package imports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxSize bounds a file read into memory: the largest, the capacities of 14,000 sites
// over 38 days, is about 20 MB.
const MaxSize = 256 << 20

// maxErrors bounds the errors reported for one file: past that, more lines say nothing
// new to the operator fixing it.
const maxErrors = 100

// LineError is one problem in a file. Line is 1-based and counts the header; Column is
// empty for a problem of the whole line.
type LineError struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Msg    string `json:"message"`
}

// Error returns "line N: column X: message".
func (e LineError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: column %s: %s", e.Line, e.Column, e.Msg)
}

// Errors is the list of problems of a file that was refused; nothing of it was applied.
type Errors []LineError

// Error joins the errors with "; ".
func (e Errors) Error() string {
	var b strings.Builder
	for i, le := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(le.Error())
	}
	return b.String()
}

// record is one data line: its fields by column name and its line number.
type record struct {
	line   int
	fields map[string]string
	errs   *[]LineError
}

func (r record) fail(column, format string, args ...any) {
	if len(*r.errs) < maxErrors {
		*r.errs = append(*r.errs, LineError{Line: r.line, Column: column, Msg: fmt.Sprintf(format, args...)})
	}
}

// int returns the column as an integer in [lo, hi], or records an error.
func (r record) int(column string, lo, hi int) int {
	v := r.fields[column]
	n, err := strconv.Atoi(v)
	if err != nil {
		r.fail(column, "%q is not a whole number", v)
		return 0
	}
	if n < lo || n > hi {
		r.fail(column, "%d is out of range %d to %d", n, lo, hi)
	}
	return n
}

// text returns the column trimmed, or records an error if it is empty.
func (r record) text(column string) string {
	v := strings.TrimSpace(r.fields[column])
	if v == "" {
		r.fail(column, "is empty")
	}
	return v
}

// read parses a CSV file whose header holds exactly the columns (in any order) and
// returns its data lines and the list that their checks, and read itself, append errors
// to. Errors of the whole file are line-1 LineErrors.
func read(in io.Reader, columns []string) ([]record, *[]LineError) {
	recs, errs := readAll(in, columns)
	return recs, &errs
}

func readAll(in io.Reader, columns []string) ([]record, []LineError) {
	data, err := io.ReadAll(io.LimitReader(in, MaxSize+1))
	if err != nil {
		return nil, []LineError{{Line: 1, Msg: "the file could not be read"}}
	}
	if len(data) > MaxSize {
		return nil, []LineError{{Line: 1, Msg: fmt.Sprintf("the file is larger than %d MB", MaxSize>>20)}}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	var errs []LineError
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) && len(errs) < maxErrors {
			errs = append(errs, LineError{Line: i + 1, Msg: "not UTF-8 text (save the file as CSV UTF-8)"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = len(columns)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []LineError{{Line: 1, Msg: "the file is empty; a header line is required"}}
	}
	if err != nil {
		return nil, []LineError{{Line: 1, Msg: fmt.Sprintf("the header must be %s", strings.Join(columns, ","))}}
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.TrimSpace(h)] = i
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok {
			return nil, []LineError{{Line: 1, Column: c, Msg: fmt.Sprintf("missing from the header; it must be %s", strings.Join(columns, ","))}}
		}
	}
	var out []record
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if len(errs) < maxErrors {
				errs = append(errs, LineError{Line: pe.Line, Msg: pe.Err.Error()})
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		r := record{line: line, fields: map[string]string{}}
		for _, c := range columns {
			r.fields[c] = fields[index[c]]
		}
		out = append(out, r)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, LineError{Line: 1, Msg: "the file has a header but no data lines"})
	}
	return out, errs
}

// seen reports the second line with a key already used, naming the first.
type seen map[string]int

func (s seen) check(r record, column, key string) {
	if first, ok := s[key]; ok {
		r.fail(column, "%s repeats line %d", key, first)
		return
	}
	s[key] = r.line
}
