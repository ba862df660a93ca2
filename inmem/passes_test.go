package inmem_test

import (
	"testing"

	"vaxbook"
	"vaxbook/guardtest"
	"vaxbook/inmem"
)

func TestPassesConformance(t *testing.T) {
	guardtest.RunPasses(t, func(t *testing.T) vaxbook.Passes { return inmem.NewPasses() })
}

func TestSessionEndsConformance(t *testing.T) {
	guardtest.RunSessionEnds(t, func(t *testing.T) (vaxbook.SessionEnds, vaxbook.SessionEnds) {
		e := inmem.NewSessionEnds() // one instance: both handles are the one bus
		return e, e
	})
}
