package app

import (
	"net/http"

	"vaxbook/metrics"
)

// opsHandler serves the operators' private listener: the metrics and Go's profiling
// endpoints, which the public listener never serves without the operator token.
func opsHandler(metricsHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metricsHandler)
	mux.Handle("/debug/pprof/", metrics.Pprof())
	return mux
}
