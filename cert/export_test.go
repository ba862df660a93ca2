package cert

import "context"

// Internals exposed to the external tests and fuzz targets.
var (
	ParseChain      = parseChain
	CheckSignature  = checkSignature
	ECDSASignatures = ecdsaSignatures
	NewGate         = newGate
)

// ParseChallenge parses and MAC-checks a challenge value.
func (m *Method) ParseChallenge(s string) error {
	_, err := m.parseChallenge(s)
	return err
}

// Enter lets tests drive the capacity gate directly.
func (g *gate) Enter(ctx context.Context) (func(), error) { return g.enter(ctx) }
