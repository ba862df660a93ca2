package vaxbook

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// MessageKind names what a notification reports. The kinds are stable: they are stored
// in the outbox and form part of every idempotency key.
type MessageKind string

// The notifications of rule 11.
const (
	KindBooked    MessageKind = "booked"
	KindChanged   MessageKind = "changed"
	KindCancelled MessageKind = "cancelled"
	KindConfirmed MessageKind = "confirmed"
	KindReminder  MessageKind = "reminder"
)

// OutboxStatus is the state of an outbox row.
type OutboxStatus string

// The outbox states. A row is pending until a sender accepted it (sent) or it failed
// too often (dead); an operator may send a dead row back to pending.
const (
	OutboxPending OutboxStatus = "pending"
	OutboxSent    OutboxStatus = "sent"
	OutboxDead    OutboxStatus = "dead"
)

// IdempotencyKey returns the key of the message of the kind about a reservation. It is
// deterministic so that a row written twice (a re-run job) is refused by the unique
// index, and so that a gateway given the same message twice (a crash between send and
// mark) can recognise it.
func IdempotencyKey(kind MessageKind, reservationID int64) string {
	return string(kind) + ":" + strconv.FormatInt(reservationID, 10)
}

// MessagePayload is what a message needs to say. It carries no phone number and no
// name: the sender adds the phone, which only it decrypts.
type MessagePayload struct {
	CampaignID int64  `json:"campaign_id"`
	SiteID     int64  `json:"site_id"`
	Date       string `json:"date"`
	SecondDate string `json:"second_date,omitempty"`
	Product    string `json:"product,omitempty"`
	// Lang is the language of the text, "en" for English; empty is Korean. Nothing
	// records a person's language yet, so the stores leave it empty.
	Lang string `json:"lang,omitempty"`
}

// PayloadOf returns the JSON payload of a message about r; product is set once fixed.
func PayloadOf(r Reservation, product string) []byte {
	p := MessagePayload{CampaignID: r.CampaignID, SiteID: r.SiteID, Date: r.Date.String(), Product: product}
	if !r.SecondDate.IsZero() {
		p.SecondDate = r.SecondDate.String()
	}
	b, _ := json.Marshal(p) // a struct of strings and integers always marshals
	return b
}

// OutboxMessage is one row of the outbox. PhoneSealed is the person's phone as stored
// (sealed by identity.Sealer), read with the row when it is claimed so that the number
// is decrypted only in the sender.
type OutboxMessage struct {
	ID             int64
	Kind           MessageKind
	PersonKey      string
	ReservationID  int64
	Payload        json.RawMessage
	IdempotencyKey string
	Status         OutboxStatus
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	CreatedAt      time.Time
	PhoneSealed    []byte
}

// OutboxFailure is a failed attempt to send one row.
type OutboxFailure struct {
	ID        int64
	LastError string
	Next      time.Time // when to try again, unless Dead
	Dead      bool      // no more attempts: operators see it among the dead letters
}

// Status is the status the attempt leaves its row in.
func (f OutboxFailure) Status() OutboxStatus {
	if f.Dead {
		return OutboxDead
	}
	return OutboxPending
}

// Outbox is the transactional outbox of notifications. Rows are written by the store in
// the transaction of the change they report (Book, Change, Cancel, the jobs); this
// interface is what the notification worker and operators use. Both stores implement it.
type Outbox interface {
	// ClaimOutbox returns up to limit pending rows due at now, oldest first, and
	// leases them until now+lease by moving their next attempt there and counting an
	// attempt: a worker that dies holding them loses nothing, the rows come due again.
	// Concurrent claimers never get the same row.
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)
	// MarkSent records that the rows were accepted by the sender, in one statement: a
	// worker marks a claimed batch at once. A row withdrawn by a cancel or change while
	// it was leased is gone, and marking it does nothing.
	MarkSent(ctx context.Context, ids []int64, at time.Time) error
	// MarkFailed records failed attempts, in one write like MarkSent: each row is
	// tried again at its Next, or is dead. A row no longer pending (withdrawn, or
	// marked by another worker after its lease ended) is left as it is.
	MarkFailed(ctx context.Context, fs ...OutboxFailure) error
	// RetryDead sends a dead row back to pending, due at now, with its attempts reset.
	// CodeNotFound if no dead row has the id.
	RetryDead(ctx context.Context, id int64, now time.Time) error
	// OutboxMessages lists rows in a status, newest first, for operators.
	OutboxMessages(ctx context.Context, status OutboxStatus, limit int) ([]OutboxMessage, error)
}
