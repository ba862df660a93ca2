package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/jobs"
	"vaxbook/notify"
)

// startLifecycle runs, until ctx ends, the notification worker (the outbox is drained
// through the configured sender) and the fixing, reminder and outbox-pruning runner
// (one instance at a time, by a lease row). It returns the development sink in --demo.
func startLifecycle(ctx context.Context, cfg Config, store vaxbook.Store, clock vaxbook.Clock, sealer *identity.Sealer, log *slog.Logger) *notify.Sink {
	var sender notify.Sender
	var sink *notify.Sink
	// Texts name the site, its address and phone, looked up when sent.
	texts := notify.NewTexts(store)
	switch {
	case cfg.SMSGateway != "":
		sender = notify.NewGatewaySender(cfg.SMSGateway, sealer, notify.GatewayConfig{
			Client: &http.Client{Timeout: 10 * time.Second}, Token: cfg.SMSGatewayToken, Texts: texts,
		})
	case cfg.Demo:
		sink = notify.NewSink(sealer, 200, clock, texts)
		sender = sink
	default:
		// Messages wait in the outbox until a gateway is configured; nothing is lost.
		log.Warn("no --sms-gateway: notifications stay in the outbox")
	}
	if sender != nil {
		w := notify.NewWorker(store, sender, clock, log, notify.WorkerConfig{})
		go func() {
			if err := w.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("notification worker stopped", "err", err)
			}
		}()
	}
	// Offers that ran out on standby lists nobody reads pass on within a sweep.
	sw := &jobs.StandbySweeper{Store: store, Clock: clock, OfferWindow: cfg.StandbyOfferWindow, Log: log}
	go sw.Run(ctx)
	r := &jobs.Runner{Store: store, Clock: clock, Log: log, Retention: cfg.OutboxRetention}
	go func() {
		if err := r.Run(ctx); err != nil && ctx.Err() == nil {
			log.Error("lifecycle jobs stopped", "err", err)
		}
	}()
	return sink
}
