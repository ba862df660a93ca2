package metrics

import (
	"net/http"
	"net/http/pprof"
)

// Pprof returns the runtime profiling endpoints under /debug/pprof/. Profiles reveal
// internals and a CPU profile costs the process while it runs, so mount this only behind
// an operator-only switch (a separate listener on a private address, say), never on the
// public mux.
//
// Importing net/http/pprof also registers these handlers on http.DefaultServeMux; vaxbook
// never serves DefaultServeMux, so that registration is unreachable.
func Pprof() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
