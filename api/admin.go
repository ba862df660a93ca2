package api

import "net/http"

// adminQueue shows operators the waiting room: how many wait, how many are inside, the
// rate set and measured, and whether admission is paused or held before an opening.
func (s *Server) adminQueue(w http.ResponseWriter, r *http.Request) {
	st, err := s.room.Snapshot(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, queueStatsView(st))
}

// adminRate sets the admission rate, or hands it to the controller with auto.
func (s *Server) adminRate(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Rate *float64 `json:"rate"`
		Auto *bool    `json:"auto"`
	}
	if err := decode(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	if in.Rate != nil {
		if err := s.room.SetRate(ctx, *in.Rate); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if in.Auto != nil {
		if err := s.room.SetAuto(ctx, *in.Auto); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.adminQueue(w, r)
}

func (s *Server) adminPause(w http.ResponseWriter, r *http.Request) {
	if err := s.room.Pause(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.adminQueue(w, r)
}

func (s *Server) adminResume(w http.ResponseWriter, r *http.Request) {
	if err := s.room.Resume(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.adminQueue(w, r)
}
