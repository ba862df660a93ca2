package redis_test

import (
	"strings"
	"testing"

	"vaxbook/redis"
	"vaxbook/redis/redistest"
)

func TestOpen(t *testing.T) {
	t.Run("LocalServerAnswers", func(t *testing.T) {
		c, err := redis.Open(t.Context(), redistest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	})
	cases := []struct{ name, url string }{
		{"MalformedURLIsAnError", "http://127.0.0.1:6379"},
		{"SilentServerIsAnErrorWithoutThePassword", "redis://:s3cret@127.0.0.1:1/0"},
		{"SilentSentinelIsAnErrorWithoutThePassword", "redis://127.0.0.1:1/0?master_name=vaxbook&password=s3cret&dial_timeout=1s&max_retries=-1"},
		{"MalformedSentinelAddressIsAnError", "redis://127.0.0.1:26379/0?master_name=vaxbook&addr=nohost"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := redis.Open(t.Context(), c.url)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}
