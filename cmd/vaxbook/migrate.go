package main

import (
	"context"
	"fmt"
	"io"

	"vaxbook/app"
)

// migrate applies the embedded migrations to the configured database and exits.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, fs, err := app.ParseConfig("migrate", args)
	fs.SetOutput(stderr)
	if err != nil {
		return err
	}
	s, err := app.OpenStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "migrated %s\n", app.MaskURL(cfg.Database))
	return nil
}
