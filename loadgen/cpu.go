package loadgen

import (
	"context"
)

// CPU is the processor time every side spent during the run, per booking: on a shared
// or noisy machine a rate in bookings/s varies from run to run, while CPU seconds per
// booking stay put and say how many cores a target rate needs.
type CPU struct {
	ServerS            float64 `json:"server_s"`
	LoadgenS           float64 `json:"loadgen_s"`
	ServerMSPerBooking float64 `json:"server_ms_per_booking"`
	// LoadgenMSPerBooking is the load generator's own cost: on one machine with the
	// server, it is CPU the server does not get.
	LoadgenMSPerBooking float64 `json:"loadgen_ms_per_booking"`
	// DevProvidersS and DevProvidersMSPerBooking are the development providers'
	// process's CPU, when they run apart (Options.DevProviders).
	DevProvidersS            float64 `json:"devproviders_s,omitempty"`
	DevProvidersMSPerBooking float64 `json:"devproviders_ms_per_booking,omitempty"`
	// DB is the database's share (its own processes for PostgreSQL; inside the
	// server for SQLite).
	DB *DB `json:"db,omitempty"`
	// TotalMSPerBooking is server + database + load generator + development providers.
	TotalMSPerBooking float64 `json:"total_ms_per_booking"`
}

// cpuMeter reads every side's CPU seconds, and the servers' latency histograms, at the
// start and the end of a run.
type cpuMeter struct {
	c                   *client
	servers             []string
	token               string
	server0             serverReading
	loadgen0            float64
	serverOK, loadgenOK bool
	db                  *dbMeter
	dev                 string
	dev0                float64
	devOK               bool
}

func startCPU(ctx context.Context, c *client, servers []string, token, database, devProviders string) *cpuMeter {
	m := &cpuMeter{c: c, servers: servers, token: token, dev: devProviders}
	m.server0, m.serverOK = readServers(ctx, c, servers, token)
	if devProviders != "" {
		r, err := readServer(ctx, c, devProviders, "")
		m.dev0, m.devOK = r.cpuS, err == nil
	}
	if database != "" {
		m.db = startDB(ctx, database, servers)
	}
	m.loadgen0, m.loadgenOK = ownCPU()
	return m
}

// stop returns the CPU of the run for booked bookings, a side it cannot read staying
// 0, and the server-side latency of each step (nil when /metrics could not be read).
func (m *cpuMeter) stop(ctx context.Context, booked int64) (*CPU, map[string]ServerStep) {
	var out CPU
	l, lok := ownCPU()
	var steps map[string]ServerStep
	if s, ok := readServers(ctx, m.c, m.servers, m.token); ok && m.serverOK {
		out.ServerS = round(s.cpuS - m.server0.cpuS)
		steps = serverStepsBetween(m.server0, s)
	}
	if lok && m.loadgenOK {
		out.LoadgenS = round(l - m.loadgen0)
	}
	if m.devOK {
		if r, err := readServer(ctx, m.c, m.dev, ""); err == nil {
			out.DevProvidersS = round(r.cpuS - m.dev0)
		}
	}
	if m.db != nil {
		out.DB = m.db.stop(ctx, booked)
	}
	if booked > 0 {
		out.ServerMSPerBooking = round(out.ServerS * 1000 / float64(booked))
		out.LoadgenMSPerBooking = round(out.LoadgenS * 1000 / float64(booked))
		out.DevProvidersMSPerBooking = round(out.DevProvidersS * 1000 / float64(booked))
		out.TotalMSPerBooking = round(out.ServerMSPerBooking + out.LoadgenMSPerBooking + out.DevProvidersMSPerBooking)
		if out.DB != nil {
			out.TotalMSPerBooking = round(out.TotalMSPerBooking + out.DB.MSPerBooking)
		}
	}
	return &out, steps
}
