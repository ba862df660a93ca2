package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The contract check: every server the tests start is wrapped in checkContract, which
// validates each 2xx answer against the schema its route's operation declares in
// openapi.yaml (kin-openapi's openapi3filter) and fails the test that provoked a
// mismatch. TestMain then fails the run when a documented operation got no validated
// 2xx answer at all, so a route cannot go unchecked by having no test.

// contract is the loaded API document and its router.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error

	mu sync.Mutex
	// answers counts the validated answers per operation ("GET /api/v1/session").
	answers map[string]int
	// problems counts the refusals checked against the Problem schema.
	problems int
}

func loadContract() (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile("openapi.yaml")
		if err != nil {
			contract.err = fmt.Errorf("load openapi.yaml: %w", err)
			return
		}
		// The document's one server is "/", a relative URL the router cannot match a
		// test server's address against; without servers it matches paths alone.
		doc.Servers = nil
		router, err := legacy.NewRouter(doc)
		if err != nil {
			contract.err = fmt.Errorf("openapi.yaml is not a valid document: %w", err)
			return
		}
		contract.doc, contract.router = doc, router
		contract.answers = map[string]int{}
	})
	return contract.doc, contract.router, contract.err
}

// checkContract returns next with every 2xx (or 3xx) answer to a documented route validated
// against that route's response schema, and every problem+json refusal against the
// Problem schema (and its route's own schema where the document gives one); a mismatch
// fails t. Successes of routes the document leaves out (the demo pages, /healthz) pass
// unchecked.
func checkContract(t testing.TB, next http.Handler) http.Handler {
	t.Helper()
	if _, _, err := loadContract(); err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if r.Method == http.MethodHead {
			return
		}
		var err error
		switch {
		case rec.status >= 400 && strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json"):
			err = validateProblem(r, rec.status, w.Header(), rec.body.Bytes())
		case rec.status >= 200 && rec.status <= 399:
			// Redirects count too: the simple-authentication start only ever redirects.
			err = validateAnswer(r, rec.status, w.Header(), rec.body.Bytes())
		}
		if err != nil {
			t.Errorf("%s %s answered %d against the OpenAPI document: %s\nbody: %s", r.Method, r.URL.Path, rec.status, truncate(err.Error(), 1500), truncate(rec.body.String(), 2000))
		}
	})
}

// findRoute returns the document's operation for r, with r's URL made absolute for
// the router (the server sees only the path).
func findRoute(r *http.Request) (*http.Request, *routers.Route, map[string]string, error) {
	_, router, _ := loadContract()
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	req := r.Clone(context.Background())
	req.URL = &u
	route, params, err := router.FindRoute(req)
	return req, route, params, err
}

// validateProblem checks a refusal: its body is a Problem, and, where its route
// documents the status with a schema of its own (a FieldProblem), it matches that too.
func validateProblem(r *http.Request, status int, header http.Header, body []byte) error {
	doc, _, _ := loadContract()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("problem is not JSON: %w", err)
	}
	if err := doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("not a Problem: %w", err)
	}
	if p, _ := v.(map[string]any); p["status"] != float64(status) {
		return fmt.Errorf("problem status %v in an answer of %d", p["status"], status)
	}
	contract.mu.Lock()
	contract.problems++
	contract.mu.Unlock()
	req, route, params, err := findRoute(r)
	if err != nil {
		return nil // an unknown route's 404 or 405 is a Problem, checked above
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{MultiError: true},
	}
	in.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// validateAnswer checks one 2xx or 3xx answer and counts it for its operation.
func validateAnswer(r *http.Request, status int, header http.Header, body []byte) error {
	req, route, params, err := findRoute(r)
	if err != nil {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			return fmt.Errorf("no operation in the document: %w", err)
		}
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return err
	}
	if resp := route.Operation.Responses.Status(status); resp != nil && resp.Value != nil {
		if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && strings.HasPrefix(header.Get("Content-Type"), "application/json") {
			if extra := undeclaredFields(mt.Schema.Value, body); len(extra) > 0 {
				return fmt.Errorf("properties the document does not declare: %v", extra)
			}
		}
	}
	// A redirect's body is net/http's courtesy link, whatever the document says.
	if op := route.Operation.Responses.Status(status); status < 300 && op != nil && op.Value != nil && len(op.Value.Content) == 0 && len(bytes.TrimSpace(body)) > 0 {
		return fmt.Errorf("the document declares no body for %d, the answer has one", status)
	}
	contract.mu.Lock()
	contract.answers[route.Method+" "+route.Path]++
	contract.mu.Unlock()
	return nil
}

// recorder passes an answer through while keeping its status and body.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (the CSV export flushes).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TestMain runs the tests, then, when the whole suite ran, fails if some documented
// operation never had a 2xx answer validated, and reports the counts.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	doc, _, err := loadContract()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if code != 0 || flag.Lookup("test.run").Value.String() != "" || flag.Lookup("test.skip").Value.String() != "" {
		os.Exit(code)
	}
	var ops, missing []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	sort.Strings(ops)
	answers := 0
	for _, op := range ops {
		n := contract.answers[op]
		answers += n
		if n == 0 {
			missing = append(missing, op)
		}
	}
	fmt.Printf("openapi contract: %d answers validated across %d of %d operations; %d refusals checked as problems\n", answers, len(ops)-len(missing), len(ops), contract.problems)
	if testing.Verbose() {
		for _, op := range ops {
			fmt.Printf("  %4d  %s\n", contract.answers[op], op)
		}
	}
	if len(missing) > 0 {
		fmt.Printf("FAIL: no test got a validated 2xx answer from:\n  %s\n", strings.Join(slices.Clip(missing), "\n  "))
		os.Exit(1)
	}
	os.Exit(code)
}
