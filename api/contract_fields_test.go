package api_test

import (
	"encoding/json"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// JSON Schema lets an object carry properties its schema does not name, so schema
// validation alone would let a field the code added, renamed or misspelt through
// unnoticed. undeclaredFields closes that gap: it lists every property of an answer
// that the answer's schema (through its $refs, allOf, oneOf and anyOf) never declares.

// undeclaredFields returns the JSON pointers of the properties in body that schema
// does not declare; nothing when body is not JSON.
func undeclaredFields(schema *openapi3.Schema, body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	walkDeclared(schema, v, "", &out)
	slices.Sort(out)
	return out
}

func walkDeclared(s *openapi3.Schema, v any, at string, out *[]string) {
	if s == nil {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if ap := s.AdditionalProperties; ap.Schema != nil || (ap.Has != nil && *ap.Has) {
			return // a map by design
		}
		props := map[string]*openapi3.Schema{}
		declaredProperties(s, props)
		for k, val := range x {
			ps, ok := props[k]
			if !ok {
				*out = append(*out, at+"/"+k)
				continue
			}
			walkDeclared(ps, val, at+"/"+k, out)
		}
	case []any:
		items := itemsOf(s)
		for i, e := range x {
			walkDeclared(items, e, at+"/"+itoa(int64(i)), out)
		}
	}
}

// declaredProperties gathers the properties s and its subschemas declare.
func declaredProperties(s *openapi3.Schema, into map[string]*openapi3.Schema) {
	for name, p := range s.Properties {
		if _, seen := into[name]; !seen && p != nil {
			into[name] = p.Value
		}
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, sub := range group {
			if sub != nil && sub.Value != nil {
				declaredProperties(sub.Value, into)
			}
		}
	}
}

// itemsOf returns the schema of an array's items, looking through subschemas.
func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil {
		return s.Items.Value
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, sub := range group {
			if sub != nil && sub.Value != nil {
				if it := itemsOf(sub.Value); it != nil {
					return it
				}
			}
		}
	}
	return nil
}
