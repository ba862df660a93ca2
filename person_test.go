package vaxbook_test

import (
	"testing"

	"vaxbook"
)

func TestSessionVerified(t *testing.T) {
	expires := mustTime(t, "2021-08-12T20:30:00+09:00")
	tests := []struct {
		name      string
		personKey string
		at        string
		want      bool
	}{
		{"verified and not expired", "k1", "2021-08-12T20:10:00+09:00", true},
		{"verified, one second before expiry", "k1", "2021-08-12T20:29:59+09:00", true},
		{"verified, at expiry", "k1", "2021-08-12T20:30:00+09:00", false},
		{"anonymous session", "", "2021-08-12T20:10:00+09:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := vaxbook.Session{PersonKey: tt.personKey, ExpiresAt: expires}
			if got := s.Verified(mustTime(t, tt.at)); got != tt.want {
				t.Errorf("Verified(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
}
