package app

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"vaxbook"
	"vaxbook/identity"
	"vaxbook/jobs"
	"vaxbook/notify"
)

// lifecycle is the background work on reservations and messages: the notification
// worker (the outbox is drained through the configured sender; nil without one), the
// standby sweeper, and the fixing, reminder and outbox-pruning runner (one instance at
// a time, by a lease row).
type lifecycle struct {
	worker  *notify.Worker
	sweeper *jobs.StandbySweeper
	runner  *jobs.Runner
	log     *slog.Logger
}

// openLifecycle builds the lifecycle work. It returns the development sink in --demo.
func openLifecycle(cfg Config, store vaxbook.Store, clock vaxbook.Clock, sealer *identity.Sealer, log *slog.Logger) (*lifecycle, *notify.Sink) {
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
	l := &lifecycle{log: log}
	if sender != nil {
		l.worker = notify.NewWorker(store, sender, clock, log, notify.WorkerConfig{})
	}
	// Offers that ran out on standby lists nobody reads pass on within a sweep.
	l.sweeper = &jobs.StandbySweeper{Store: store, Clock: clock, OfferWindow: cfg.StandbyOfferWindow, Log: log}
	l.runner = &jobs.Runner{Store: store, Clock: clock, Log: log, Retention: cfg.OutboxRetention}
	return l, sink
}

// run starts the lifecycle work in wg; it stops when ctx ends.
func (l *lifecycle) run(ctx context.Context, wg *sync.WaitGroup) {
	if l.worker != nil {
		wg.Go(func() {
			if err := l.worker.Run(ctx); err != nil && ctx.Err() == nil {
				l.log.Error("notification worker stopped", "err", err)
			}
		})
	}
	wg.Go(func() { l.sweeper.Run(ctx) })
	wg.Go(func() {
		if err := l.runner.Run(ctx); err != nil && ctx.Err() == nil {
			l.log.Error("lifecycle jobs stopped", "err", err)
		}
	})
}
