//go:build linux

package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// raiseFileLimit lifts the open-file limit as far as the kernel allows (fs.nr_open),
// best effort. Go raises the soft limit to the hard one by itself; a surge of 20,000
// browsers, each with a connection or two, can pass a hard limit of 20,000 too, and
// the server then refuses connections with "too many open files". Without the
// privilege to raise the hard limit nothing changes.
func raiseFileLimit() {
	raw, err := os.ReadFile("/proc/sys/fs/nr_open")
	if err != nil {
		return
	}
	ceiling, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		return
	}
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil || lim.Max >= ceiling {
		return
	}
	lim.Cur, lim.Max = ceiling, ceiling
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim) // best effort: unprivileged stays as is
}
