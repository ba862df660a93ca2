//go:build !unix

package loadgen

// ownCPU cannot read the process's CPU time here.
func ownCPU() (float64, bool) { return 0, false }
