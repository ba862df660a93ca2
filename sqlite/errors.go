package sqlite

import (
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"vaxbook"
)

// translate turns the driver errors that have a meaning in the domain into *vaxbook.Error
// values, in this one place. Every other error, and nil, is returned as it is: it stays
// an internal error whose text never reaches a user.
func translate(err error) error {
	var e *sqlite.Error
	var done *vaxbook.Error
	if err == nil || errors.As(err, &done) || !errors.As(err, &e) {
		return err // nil, translated already, or not the driver's
	}
	msg := e.Error()
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		// SQLite names the columns of the index: "UNIQUE constraint failed:
		// reservations.campaign_id, reservations.person_key".
		if strings.Contains(msg, "reservations.person_key") {
			return vaxbook.Errorf(vaxbook.CodeAlreadyBooked, "you already hold an active reservation in this campaign")
		}
		return vaxbook.Errorf(vaxbook.CodeConflict, "the record already exists")
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		// Only shares_booked can fail from the store's own statements: a capacity set
		// below what is booked, or a counter driven below zero.
		if strings.Contains(msg, "shares_booked") {
			return vaxbook.Errorf(vaxbook.CodeConflict, "the capacity is lower than the places already booked")
		}
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a value is out of range")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return vaxbook.Errorf(vaxbook.CodeNotFound, "no such campaign or site")
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_BUSY_SNAPSHOT, sqlite3.SQLITE_BUSY_TIMEOUT:
		// Another process held the write lock past busy_timeout.
		return fmt.Errorf("%w (%w)", vaxbook.Errorf(vaxbook.CodeUnavailable, "the database is busy; please retry"), err)
	}
	return err
}
