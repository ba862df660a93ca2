package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the API's description. A test checks that it and the routing table
// name the same operations.
//
//go:embed openapi.yaml
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(openAPIDoc)
}
