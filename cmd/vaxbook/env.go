package main

import "os"

// envOr returns the environment variable name, or def when it is unset or empty: the
// commands' --database flags default to VAXBOOK_DATABASE_URL.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
