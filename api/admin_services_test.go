package api_test

import (
	"vaxbook"
	"vaxbook/api"
	"vaxbook/audit"
	"vaxbook/campaigns"
	"vaxbook/clinic"
	"vaxbook/imports"
	"vaxbook/outbox"
	"vaxbook/staff"
	"vaxbook/standby"
	"vaxbook/stats"
)

// withServices builds the use-case services over s into cfg as the application's
// wiring does (app's openServices), from the booking service, clock, sealer and
// waiting room cfg already holds.
func withServices(cfg *api.Config, s vaxbook.Store) {
	a := audit.New(s, cfg.Clock, cfg.Logger)
	listeners := []campaigns.Listener{campaigns.ForgetIn(cfg.Booking)}
	if cfg.Room != nil {
		listeners = append(listeners, campaigns.WindowsTo(s, cfg.Room.SetWindows))
	}
	listeners = append(listeners, campaigns.AuditTo(a))
	cfg.Audit = a
	cfg.Campaigns = campaigns.New(s, cfg.Clock, cfg.Logger, listeners...)
	cfg.Imports = imports.NewService(s, a)
	cfg.Stats = stats.New(s)
	cfg.Outbox = outbox.New(s, a, cfg.Clock)
	cfg.Staff = staff.New(s, a, cfg.Sealer, cfg.Clock)
	cfg.Clinic = clinic.New(s, a, cfg.Clock)
	cfg.Standby = standby.New(s, cfg.Booking, cfg.Clock, 0)
}
