package devca

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/identity"
)

// DefaultDir is where `vaxbook devca` keeps the CA and the issued files.
const DefaultDir = "devca"

// Command runs `vaxbook devca <init|issue> [flags]`, with args the words after "devca":
//
//	init  [--dir devca] [--from 2021-01-01T00:00:00+09:00] [--years 20] [--force]
//	issue [--dir devca] [--phone 010-1234-5678]... [--count N] [--seed 2021]
//
// init creates a root CA; its default start, 2021-01-01, lets certificates work at any
// --now of the 2021 campaign. issue writes a certificate and key for each named phone's
// resident and for the first N residents of the demo population.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: vaxbook devca <init|issue> [flags]")
		return errors.New("devca: no subcommand")
	}
	switch args[0] {
	case "init":
		return initCommand(args[1:], stdout, stderr)
	case "issue":
		return issueCommand(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintln(stderr, "usage: vaxbook devca <init|issue> [flags]")
		return fmt.Errorf("devca: unknown subcommand %q", args[0])
	}
}

func initCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devca init", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", DefaultDir, "directory for "+CertFile+" and "+KeyFile)
	from := fs.String("from", "2021-01-01T00:00:00+09:00", "start of the CA's validity (RFC 3339)")
	years := fs.Int("years", 20, "years of validity")
	force := fs.Bool("force", false, "replace an existing CA (certificates it issued stop verifying)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		return fmt.Errorf("devca: --from: %w", err)
	}
	if *years <= 0 {
		return errors.New("devca: --years must be positive")
	}
	if _, err := os.Stat(filepath.Join(*dir, KeyFile)); err == nil && !*force {
		return fmt.Errorf("devca: %s already holds a CA; use --force to replace it", *dir)
	}
	ca, err := NewCA(start, start.AddDate(*years, 0, 0).Sub(start))
	if err != nil {
		return err
	}
	if err := ca.Save(*dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "development CA valid %s to %s written to %s\n",
		ca.Cert.NotBefore.In(vaxbook.Seoul).Format(time.RFC3339), ca.Cert.NotAfter.In(vaxbook.Seoul).Format(time.RFC3339),
		filepath.Join(*dir, CertFile))
	return nil
}

func issueCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devca issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", DefaultDir, "directory of the CA; certificates are written there")
	var phones listFlag
	fs.Var(&phones, "phone", "phone number of a demo resident (repeatable)")
	count := fs.Int("count", 0, "also issue for the first N residents of the population")
	seed := fs.Int64("seed", 2021, "seed of the demo population (as serve --demo-seed)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(phones) == 0 && *count <= 0 {
		return errors.New("devca: name residents with --phone or --count")
	}
	if *count < 0 || *count > 10_000 {
		return errors.New("devca: --count must be between 0 and 10000")
	}
	ca, err := Load(*dir)
	if err != nil {
		return err
	}
	pop := demo.NewPopulation(demo.FullPopulation, *seed, demo.Campaign2021())
	var residents []identity.Subscriber
	for _, p := range phones {
		n, err := identity.NormalizePhone(p)
		if err != nil {
			return fmt.Errorf("devca: --phone %s: not a mobile number", p)
		}
		sub, ok, err := pop.LookupPhone(ctx, n)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("devca: no demo resident has phone %s (seed %d)", n, *seed)
		}
		residents = append(residents, sub)
	}
	for i := range *count {
		residents = append(residents, pop.Resident(i))
	}
	paths, err := ca.IssueFiles(*dir, residents)
	for _, p := range paths {
		fmt.Fprintln(stdout, p)
	}
	return err
}

// listFlag collects a repeated flag; commas separate values too.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}
