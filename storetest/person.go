package storetest

import (
	"bytes"
	"testing"

	"vaxbook"
)

var personTests = []storeTest{
	{"person reads back as put", func(t *testing.T, s vaxbook.Store) {
		want := vaxbook.Person{Key: "k-EtXhQ1v", Name: "응우옌 반 안", Birth: vaxbook.MustDate("1990-02-28"), PhoneEnc: []byte{0, 1, 2, 0xfe, 0xff}, Foreign: true}
		mustPutPerson(t, s, want)
		wantPerson(t, s, want)
	}},
	{"put person updates by key", func(t *testing.T, s vaxbook.Store) {
		p := vaxbook.Person{Key: "k-1", Name: "김민준", Birth: vaxbook.MustDate("1981-07-12"), PhoneEnc: []byte("sealed-1")}
		other := vaxbook.Person{Key: "k-2", Name: "이서연", Birth: vaxbook.MustDate("1995-11-30"), PhoneEnc: []byte("sealed-2")}
		mustPutPerson(t, s, p)
		mustPutPerson(t, s, other)
		p.Name, p.PhoneEnc = "김민준2", []byte("sealed-1b")
		mustPutPerson(t, s, p)
		wantPerson(t, s, p)
		wantPerson(t, s, other)
	}},
	{"missing person is not_found", func(t *testing.T, s vaxbook.Store) {
		mustPutPerson(t, s, vaxbook.Person{Key: "k-1", Name: "김민준", Birth: vaxbook.MustDate("1981-07-12")})
		_, err := s.Person(t.Context(), "k-2")
		wantCode(t, "Person(k-2)", err, vaxbook.CodeNotFound)
	}},
}

// mustPutPerson stores p.
func mustPutPerson(tb testing.TB, s vaxbook.Store, p vaxbook.Person) {
	tb.Helper()
	if err := s.PutPerson(tb.Context(), p); err != nil {
		tb.Fatalf("PutPerson(%s): %v", p.Key, err)
	}
}

// wantPerson fails the test unless the store holds want under its key.
func wantPerson(tb testing.TB, s vaxbook.Store, want vaxbook.Person) {
	tb.Helper()
	got, err := s.Person(tb.Context(), want.Key)
	if err != nil {
		tb.Fatalf("Person(%s): %v", want.Key, err)
	}
	if got.Key != want.Key || got.Name != want.Name || got.Birth != want.Birth || got.Foreign != want.Foreign || !bytes.Equal(got.PhoneEnc, want.PhoneEnc) {
		tb.Errorf("Person(%s) = %+v, want %+v", want.Key, got, want)
	}
}
