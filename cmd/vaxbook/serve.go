package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"vaxbook/app"
)

// serve runs the HTTP service until ctx ends, then shuts down gracefully: the flags
// become an app.Config, and the app does the rest.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, fs, err := app.ParseConfig("serve", args)
	if err != nil {
		return err
	}
	fs.SetOutput(stderr)
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	cfg.Welcome = stdout
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	return errors.Join(a.Run(ctx), a.Close())
}
