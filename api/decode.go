package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"vaxbook"
)

// maxBody bounds a request body; no API request needs more than a few hundred bytes.
const maxBody = 16 << 10

// asError is errors.As for *vaxbook.Error, kept in one place.
func asError(err error, target **vaxbook.Error) bool { return errors.As(err, target) }

// decode reads one JSON object into v. It refuses another content type (which also
// keeps cross-site HTML forms out: they cannot send application/json without a
// preflight), unknown fields, trailing data and oversized bodies, with invalid_input.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the request body must be JSON (Content-Type: application/json)")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the request body is too large")
		case errors.Is(err, io.EOF):
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the request body is empty")
		default:
			return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the request body is not valid JSON for this request: %s", jsonProblem(err))
		}
	}
	if dec.More() {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "the request body must hold exactly one JSON object")
	}
	return nil
}

// jsonProblem describes a JSON decoding error without echoing the body back.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "field " + strconv.Quote(te.Field) + " has the wrong type"
	default:
		// Unknown-field errors name the field, which is the client's own input.
		return err.Error()
	}
}

// pathID parses a positive integer path value such as {id}.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, vaxbook.Errorf(vaxbook.CodeInvalidInput, "%s must be a positive number", name)
	}
	return n, nil
}
