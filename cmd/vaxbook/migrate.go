package main

import (
	"context"
	"fmt"
	"io"
)

// migrate applies the embedded migrations to the configured database and exits.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, fs, err := parseConfig("migrate", args)
	fs.SetOutput(stderr)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "migrated %s\n", maskURL(cfg.Database))
	return nil
}
