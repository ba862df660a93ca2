package queue

import (
	"slices"

	"vaxbook"
)

// SetWindows replaces the booking windows the room serves (Config.Windows), for when an
// operator creates or edits a campaign while the service runs. The room holds admission
// and shuffles at openings by the new windows from its next step on.
func (r *Room) SetWindows(ws []vaxbook.Window) {
	ws = slices.Clone(ws)
	r.windows.Store(&ws)
}

// openings returns the windows the room serves now.
func (r *Room) openings() []vaxbook.Window {
	if ws := r.windows.Load(); ws != nil {
		return *ws
	}
	return r.cfg.Windows
}
