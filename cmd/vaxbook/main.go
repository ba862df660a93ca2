// Command vaxbook is the national vaccination pre-reservation service: one binary whose
// subcommands serve the API, migrate the database and load demo data. This package only
// wires the other packages together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"vaxbook/app"
	"vaxbook/devca"
)

const usage = `vaxbook — national vaccination pre-reservation

Usage:
  vaxbook serve   [flags]   serve the API (add --demo for demo data and development providers)
  vaxbook migrate [flags]   apply database migrations and exit
  vaxbook demo    [flags]   load the demo campaign, sites and capacities and exit
  vaxbook jobs fix|remind --date D   confirm the reservations of date D / write its reminders
  vaxbook jobs prune        delete sent and dead notifications past their retention
  vaxbook import KIND FILE  apply a CSV: sites, capacities, delivery-plans or eligible
  vaxbook devca init|issue   create a development CA and certificates for demo residents
  vaxbook loadgen --target URL --users N   play N residents through a running server
  vaxbook devproviders --server-url URL    the development issuers and CA in their own process
  vaxbook bench queue       fill the waiting room with 2,000,000 people and measure status polls
  vaxbook bench booking     group-committed bookings against one transaction each
  vaxbook simulate [--instances K | --target-worst-wait 30m]   a booking day's waits, in virtual time

Run "vaxbook <command> -h" for a command's flags. Every flag can also be set through the
environment as VAXBOOK_<FLAG> (for example VAXBOOK_DATABASE_URL, VAXBOOK_ADDR).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "vaxbook:", err)
		os.Exit(1)
	}
}

// run executes one subcommand. Tests call it to start the real program.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		raiseFileLimit()
		return serve(ctx, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], stdout, stderr)
	case "demo":
		return loadDemo(ctx, args[1:], stdout, stderr)
	case "jobs":
		return runJobs(ctx, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "devca":
		return devca.Command(ctx, args[1:], stdout, stderr)
	case "devproviders":
		raiseFileLimit()
		return app.DevProvidersCommand(ctx, args[1:], stdout, stderr)
	case "loadgen":
		raiseFileLimit()
		return loadgenCmd(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "simulate":
		return runSimulate(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
