// Package notify sends the notifications of rule 11 from the transactional outbox:
// a Worker claims due rows from a vaxbook.Outbox and hands each to a Sender, the
// development Sink or the GatewaySender of an SMS/messenger provider. Phone numbers
// stay sealed in the store and in the worker; only a Sender opens them.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

// Message is one notification to send: an outbox row with the person's sealed phone.
type Message = vaxbook.OutboxMessage

// Sender delivers one message. It must pass m.IdempotencyKey on to whatever delivers
// it, so that a message sent twice (a worker that crashed after sending but before
// recording it) reaches the person once. An error wrapped by Permanent is not retried.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// permanentError marks a failure that no retry can cure (a refused number, a request
// the gateway rejects as malformed).
type permanentError struct{ err error }

func (e permanentError) Error() string { return "permanent: " + e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the worker moves the message to the dead state at once.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Text renders the short message a person receives. It names no person: the phone
// number is the addressee, and the text says only what the booking is.
func Text(m Message) string {
	var p vaxbook.MessagePayload
	_ = json.Unmarshal(m.Payload, &p) // a payload the store wrote; missing fields stay empty
	where := fmt.Sprintf("site %d on %s", p.SiteID, p.Date)
	switch m.Kind {
	case vaxbook.KindBooked:
		return fmt.Sprintf("[vaxbook] Booked: %s (2nd dose %s).", where, p.SecondDate)
	case vaxbook.KindChanged:
		return fmt.Sprintf("[vaxbook] Changed: your appointment is now %s (2nd dose %s).", where, p.SecondDate)
	case vaxbook.KindCancelled:
		return fmt.Sprintf("[vaxbook] Cancelled: your appointment %s.", where)
	case vaxbook.KindConfirmed:
		return fmt.Sprintf("[vaxbook] Confirmed: %s, vaccine %s. It can no longer be changed online.", where, p.Product)
	case vaxbook.KindReminder:
		return fmt.Sprintf("[vaxbook] Reminder: your vaccination is tomorrow, %s.", where)
	case vaxbook.KindStandbyOffer:
		var offer struct {
			ExpiresAt time.Time `json:"expires_at"`
		}
		_ = json.Unmarshal(m.Payload, &offer)
		return fmt.Sprintf("[vaxbook] Leftover dose for you: site %d today. Accept on the site by %s or it goes to the next in line.",
			p.SiteID, offer.ExpiresAt.In(vaxbook.Seoul).Format("15:04"))
	}
	return "[vaxbook] " + string(m.Kind)
}
