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
