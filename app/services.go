package app

import (
	"log/slog"
	"time"

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

// openServices builds the use cases the API serves besides booking and sign-in, each a
// service over the store, into apiCfg: it reads the booking service, the clock, the
// sealer and the waiting room apiCfg already holds, so it runs after they are built.
// A campaign change is followed here at once by the booking cache, the waiting room's
// windows (watchOpenings does the same refresh periodically for changes made on other
// instances) and the audit log. offerWindow is how long a standby offer lasts.
func openServices(apiCfg *api.Config, store vaxbook.Store, offerWindow time.Duration, log *slog.Logger) {
	trail := audit.New(store, apiCfg.Clock, log)
	listeners := []campaigns.Listener{campaigns.ForgetIn(apiCfg.Booking)}
	if apiCfg.Room != nil {
		listeners = append(listeners, campaigns.WindowsTo(store, apiCfg.Room.SetWindows))
	}
	listeners = append(listeners, campaigns.AuditTo(trail))

	apiCfg.Audit = trail
	apiCfg.Campaigns = campaigns.New(store, apiCfg.Clock, log, listeners...)
	apiCfg.Imports = imports.NewService(store, trail)
	apiCfg.Stats = stats.New(store)
	apiCfg.Outbox = outbox.New(store, trail, apiCfg.Clock)
	apiCfg.Staff = staff.New(store, trail, apiCfg.Sealer, apiCfg.Clock)
	apiCfg.Clinic = clinic.New(store, trail, apiCfg.Clock)
	apiCfg.Standby = standby.New(store, apiCfg.Booking, apiCfg.Clock, offerWindow)
}
