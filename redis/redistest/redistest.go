// Package redistest gives tests a Redis client on the local server with a key prefix of
// their own, so that concurrent test runs never see each other's keys.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// DefaultURL is the local server the tests use unless VAXBOOK_TEST_REDIS names another.
const DefaultURL = "redis://127.0.0.1:6379/0"

// URL returns the Redis URL for tests. When the server does not answer it skips the
// test, or fails it when REQUIRE_REDIS=1.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("VAXBOOK_TEST_REDIS")
	if url == "" {
		url = DefaultURL
	}
	opts, err := goredis.ParseURL(url)
	if err != nil {
		tb.Fatalf("VAXBOOK_TEST_REDIS: %v", err)
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		if os.Getenv("REQUIRE_REDIS") == "1" {
			tb.Fatalf("Redis at %s does not answer and REQUIRE_REDIS=1: %v", opts.Addr, err)
		}
		tb.Skipf("Redis at %s does not answer (set REQUIRE_REDIS=1 to fail instead): %v", opts.Addr, err)
	}
	return url
}

// Client returns a client on the test server and a fresh key prefix ("vbtest:<hex>:");
// the keys under the prefix are deleted when the test ends.
func Client(tb testing.TB) (*goredis.Client, string) {
	tb.Helper()
	opts, _ := goredis.ParseURL(URL(tb))
	c := goredis.NewClient(opts)
	var b [6]byte
	rand.Read(b[:])
	prefix := "vbtest:" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Del(ctx, iter.Val())
		}
		c.Close()
	})
	return c, prefix
}
