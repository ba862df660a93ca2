package vaxbook

import (
	"cmp"
	"context"
	"maps"
	"slices"
)

// SignInRequest is one verification's end: the verified person and the session to
// bind them to (its IDHash, Method, CreatedAt, VerifiedAt and ExpiresAt; the person
// key comes from Person).
type SignInRequest struct {
	Person  Person
	Session Session
}

// Check refuses a request the stores would refuse, before it joins a batch: one
// refused by the database would make its batch's statement fail and every request in
// it be tried alone.
func (r SignInRequest) Check() error {
	if r.Person.Key == "" || r.Session.IDHash == "" {
		return Errorf(CodeInvalidInput, "signing in needs a person key and a session id")
	}
	if r.Person.Birth.IsZero() || r.Session.CreatedAt.IsZero() || r.Session.VerifiedAt.IsZero() || r.Session.ExpiresAt.IsZero() {
		return Errorf(CodeInvalidInput, "signing in needs a birth date and the session's times")
	}
	return nil
}

// FoldSignIns returns the rows a batch of valid sign-ins leaves, as if they had been
// stored one after another: one person per key and one session per id, each sorted by
// its key so that concurrent batches lock rows in the same order. A later sign-in of a
// person replaces the name, birth and nationality, and the phone only when it carries
// one (a certificate carries none); a later sign-in on a session rebinds it and keeps
// its creation time.
func FoldSignIns(reqs []SignInRequest) ([]Person, []Session) {
	persons := make(map[string]Person, len(reqs))
	sessions := make(map[string]Session, len(reqs))
	for _, r := range reqs {
		p := r.Person
		if old, ok := persons[p.Key]; ok && len(p.PhoneEnc) == 0 {
			p.PhoneEnc = old.PhoneEnc
		}
		persons[p.Key] = p
		s := r.Session
		s.PersonKey = p.Key
		if old, ok := sessions[s.IDHash]; ok {
			s.CreatedAt = old.CreatedAt
		}
		sessions[s.IDHash] = s
	}
	ps := slices.SortedFunc(maps.Values(persons), func(a, b Person) int { return cmp.Compare(a.Key, b.Key) })
	ss := slices.SortedFunc(maps.Values(sessions), func(a, b Session) int { return cmp.Compare(a.IDHash, b.IDHash) })
	return ps, ss
}

// SignInAll is a store's SignIn around write, which stores valid requests together:
// one error per request, Check's for an invalid one and write's for the others. When
// write fails for several, each is written alone, so that one bad request fails only
// itself — unless the caller has gone or the database is out of reach, when every
// request would fail again.
func SignInAll(ctx context.Context, reqs []SignInRequest, write func(context.Context, []SignInRequest) error) []error {
	errs := make([]error, len(reqs))
	valid := make([]SignInRequest, 0, len(reqs))
	at := make([]int, 0, len(reqs))
	for i, r := range reqs {
		if errs[i] = r.Check(); errs[i] == nil {
			valid, at = append(valid, r), append(at, i)
		}
	}
	if len(valid) == 0 {
		return errs
	}
	err := write(ctx, valid)
	if err != nil && len(valid) > 1 && ctx.Err() == nil && ErrorCode(err) != CodeUnavailable {
		for j, r := range valid {
			errs[at[j]] = write(ctx, []SignInRequest{r})
		}
		return errs
	}
	for _, i := range at {
		errs[i] = err
	}
	return errs
}
