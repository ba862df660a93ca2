// Package notify sends the notifications of rule 11 from the transactional outbox:
// a Worker claims due rows from a vaxbook.Outbox and hands each to a Sender, the
// development Sink or the GatewaySender of an SMS/messenger provider. Phone numbers
// stay sealed in the store and in the worker; only a Sender opens them.
package notify

import (
	"context"
	"errors"

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
