package redis

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
)

// outageHook marks the errors of a Redis that is down, restarting or changing master
// as vaxbook's CodeUnavailable, so that a request meeting one gets 503 with
// Retry-After instead of a 500: a Sentinel failover leaves the old master's address
// refusing connections for a few seconds, and a demoted master answers READONLY,
// until the client has followed the Sentinels to the new one. Every other error,
// redis.Nil included, passes unchanged.
type outageHook struct{}

func (outageHook) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (outageHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		if outage(err) {
			err = unavailableError(err)
			cmd.SetErr(err)
		}
		return err
	}
}

func (outageHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if outage(cmd.Err()) {
				cmd.SetErr(unavailableError(cmd.Err()))
			}
		}
		if outage(err) {
			err = unavailableError(err)
		}
		return err
	}
}

// unavailableError keeps err (for the log and errors.Is) under a domain error that
// tells the resident to retry.
func unavailableError(err error) error {
	return errors.Join(vaxbook.Errorf(vaxbook.CodeUnavailable, "the service is briefly unavailable; please retry in a moment"), err)
}

// outage reports whether err means Redis cannot be reached or cannot take writes
// right now, so that the same request may succeed in a moment.
func outage(err error) bool {
	if err == nil || errors.Is(err, goredis.Nil) {
		return false
	}
	var de *vaxbook.Error
	if errors.As(err, &de) {
		return false // already marked
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, goredis.ErrPoolTimeout) {
		return true
	}
	msg := err.Error()
	// Replies of a server that is loading, demoted, or without a master, and the
	// failover client's own error when no Sentinel answers.
	for _, prefix := range []string{"LOADING ", "READONLY ", "MASTERDOWN ", "TRYAGAIN ", "CLUSTERDOWN "} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return strings.Contains(msg, "all sentinels specified in configuration are unreachable")
}
