package app

import (
	"context"
	"log/slog"
	"time"

	"vaxbook"
	"vaxbook/campaigns"
	"vaxbook/queue"
)

// openingsRefresh is how often an instance reads the campaigns' windows again for its
// waiting room, so that an operator's edit on another instance reaches this one's holds
// and opening shuffles as soon as the booking cache (10 s) lets bookings follow it.
const openingsRefresh = 10 * time.Second

// watchOpenings hands the windows of every campaign to the room every openingsRefresh
// until ctx ends. A failed read keeps the windows the room has.
func watchOpenings(ctx context.Context, store vaxbook.Campaigns, room *queue.Room, log *slog.Logger) {
	t := time.NewTicker(openingsRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// The same refresh follows every change made on this instance (openServices).
		if err := campaigns.RefreshWindows(ctx, store, room.SetWindows); err != nil && ctx.Err() == nil {
			log.Warn("read campaigns for the waiting room", "err", err)
		}
	}
}
