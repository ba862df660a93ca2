// Package queue is the waiting room in front of identity verification and booking
// (rule 9): when a whole day's group arrives at 20:00, people wait in line, see an
// honest position and wait, and are admitted only as fast as the service can serve.
//
// Nothing is kept per waiting person. Joining gives a signed ticket (HMAC-SHA256) with
// a sequence number, the instant it was issued and a hash of the device cookie; the
// position comes from the ticket and a few shared Counters (last number issued, the
// admission head, the rate, a short ring of samples), so memory stays flat whether 100
// or 2 million wait. The counters live in-process (MemCounters) or in Redis
// (redis.QueueCounters) so that many instances share one line; Advance computes from
// time and is atomic, so every instance may run it.
//
// A request without the device cookie gets one and no place; the place is given to a
// second request at least ConfirmAfter later that carries the cookie. A refresh that
// presents the ticket gets the same place back. Joins are bounded per device and per
// client address (vaxbook.Limiter: inmem.SketchLimiter in-process, redis.Limiter shared).
//
// Openings: people who arrive before a booking window opens are all placed, at the
// opening instant, in a random order; those who arrive later queue behind them in
// arrival order. With Shuffle and HoldWhenClosed (the defaults), admission is held
// while no window is open, and at the opening the range of waiting sequence numbers is
// recorded once with a fresh random seed; a ticket's order key is then its image under
// a keyed permutation (Perm), computed on read. Refreshing at 19:59:59.9 thus gains
// nothing over arriving at 19:50, and scripts racing the clock gain nothing either.
// The seed is drawn at the opening, after the range is closed, and published with the
// range (Room.Snapshot) so that anyone can recompute the order. Turning Shuffle off
// queues everyone in arrival order; turning HoldWhenClosed off admits people before an
// opening too (then only those still waiting at the opening are shuffled).
//
// Admission: the head advances by rate × time, never past the last ticket issued,
// never while paused or held, and never beyond MaxActive admitted people active at
// once. Everyone admitted counts as active from that instant; a person who makes no
// request for Idle (30 s) stops counting, and their place goes to the next. An
// admitted ticket must be exchanged for a pass (Claim) within ClaimWindow of its
// turn; a pass lets its device through verification and booking (CheckPass) for
// PassTTL. A holder pruned for idleness who returns with a valid pass is let in and
// counted again. The rate is set by an operator, or by the AIMD Controller on the
// one instance that holds the lease. Under the controller an admission window bounds
// the active people too: 1.3 times those an unhurried flow holds (the rate × the
// shortest recent stay, measured from the counters by Little's law), and a booking
// takes its holder out at once (Done), so when the downstream slows admission waits
// for bookings instead of piling people on it; the rate itself leads the best recent
// finish rate by a tenth at most.
//
// Losing the counters (Redis restarted empty): every running Room restores them from
// its last snapshot (at most one tick old), so tickets keep their positions and new
// arrivals queue behind. A Room started after the loss has no snapshot: it starts from
// zero, and the tickets and passes people present raise issued and head back (every
// waiting client polls within a minute). Until then positions may read longer than
// they are and a new arrival may be numbered among the old; the openings' shuffles of
// the last OpeningGrace are not recorded again, so those lines go on in arrival order.
package queue
