package redis

import (
	"errors"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
)

// TestRedisOutageIsUnavailable: a Redis that refuses connections (a master just
// killed, before the Sentinels promote its replica) or a demoted master must reach
// residents as 503 with Retry-After; a missing key or a script error must not.
func TestRedisOutageIsUnavailable(t *testing.T) {
	gone := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	gone.AddHook(outageHook{})
	defer gone.Close()
	t.Run("RefusedConnectionIsUnavailable", func(t *testing.T) {
		err := gone.Get(t.Context(), "k").Err()
		if got := vaxbook.ErrorCode(err); got != vaxbook.CodeUnavailable {
			t.Errorf("code %q (%v), want unavailable", got, err)
		}
	})
	t.Run("RefusedPipelineIsUnavailable", func(t *testing.T) {
		p := gone.Pipeline()
		get := p.Get(t.Context(), "k")
		p.Exec(t.Context())
		if got := vaxbook.ErrorCode(get.Err()); got != vaxbook.CodeUnavailable {
			t.Errorf("code %q (%v), want unavailable", got, get.Err())
		}
	})
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"DemotedMaster", errors.New("READONLY You can't write against a read only replica."), true},
		{"Loading", errors.New("LOADING Redis is loading the dataset in memory"), true},
		{"NoSentinel", errors.New("redis: all sentinels specified in configuration are unreachable"), true},
		{"MissingKey", goredis.Nil, false},
		{"ScriptError", errors.New("ERR user_script:1: bad argument"), false},
		{"NoScriptIsRetriedByTheClient", errors.New("NOSCRIPT No matching script."), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := outage(tc.err); got != tc.want {
				t.Errorf("outage(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}
