package loadgen

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
)

// CPU is the processor time both sides spent during the run, per booking: on a shared
// or noisy machine a rate in bookings/s varies from run to run, while CPU seconds per
// booking stay put and say how many cores a target rate needs.
type CPU struct {
	ServerS            float64 `json:"server_s"`
	LoadgenS           float64 `json:"loadgen_s"`
	ServerMSPerBooking float64 `json:"server_ms_per_booking"`
	// LoadgenMSPerBooking is the load generator's own cost: on one machine with the
	// server, it is CPU the server does not get.
	LoadgenMSPerBooking float64 `json:"loadgen_ms_per_booking"`
}

// cpuMeter reads both sides' CPU seconds at the start and the end of a run.
type cpuMeter struct {
	c                   *client
	servers             []string
	token               string
	server0, loadgen0   float64
	serverOK, loadgenOK bool
}

func startCPU(ctx context.Context, c *client, servers []string, token string) *cpuMeter {
	m := &cpuMeter{c: c, servers: servers, token: token}
	m.server0, m.serverOK = serversCPU(ctx, c, servers, token)
	m.loadgen0, m.loadgenOK = ownCPU()
	return m
}

// stop returns the CPU of the run for booked bookings; a side it cannot read stays 0.
func (m *cpuMeter) stop(ctx context.Context, booked int64) *CPU {
	var out CPU
	if s, ok := serversCPU(ctx, m.c, m.servers, m.token); ok && m.serverOK {
		out.ServerS = round(s - m.server0)
	}
	if l, ok := ownCPU(); ok && m.loadgenOK {
		out.LoadgenS = round(l - m.loadgen0)
	}
	if booked > 0 {
		out.ServerMSPerBooking = round(out.ServerS * 1000 / float64(booked))
		out.LoadgenMSPerBooking = round(out.LoadgenS * 1000 / float64(booked))
	}
	return &out
}

// serversCPU sums the servers' CPU seconds; false when one cannot be read.
func serversCPU(ctx context.Context, c *client, servers []string, token string) (float64, bool) {
	var sum float64
	for _, base := range servers {
		s, ok := serverCPU(ctx, c, base, token)
		if !ok {
			return 0, false
		}
		sum += s
	}
	return sum, true
}

// serverCPU reads process_cpu_seconds_total from the server's /metrics; false when
// the server does not publish it.
func serverCPU(ctx context.Context, c *client, base, token string) (float64, bool) {
	req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(base, "/")+"/metrics", nil)
	if err != nil {
		return 0, false
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, false
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}
