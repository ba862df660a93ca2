package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"vaxbook/app"
	"vaxbook/demo"
)

// loadDemo loads the demo campaign, sites and capacities into the configured database.
func loadDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, fs, err := app.ParseConfig("demo", args)
	fs.SetOutput(stderr)
	if err != nil {
		return err
	}
	s, err := app.OpenStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer s.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	sum, err := demo.Load(ctx, s, demo.Options{Sites: cfg.DemoSites, Seed: cfg.DemoSeed, Logger: log})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo data in %s: %+v\n", app.MaskURL(cfg.Database), sum)
	return nil
}
