package redis_test

import (
	"errors"
	"fmt"
	"time"

	"vaxbook"
)

// describe renders an error's code, message and RetryAt for comparing implementations.
func describe(err error) string {
	var e *vaxbook.Error
	if !errors.As(err, &e) {
		return fmt.Sprint(err)
	}
	return fmt.Sprintf("%s %q retry %s", e.Code, e.Message, e.RetryAt.Format(time.RFC3339Nano))
}
