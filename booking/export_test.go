package booking

import (
	"context"
	"time"
)

// Step runs one tick of Run at now, so that tests move the copies deterministically.
func (s *Sheets) Step(ctx context.Context, now time.Time) error { return s.step(ctx, now) }
