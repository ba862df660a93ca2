//go:build !linux

package main

// raiseFileLimit does nothing outside Linux, where the limit is left to the operator.
func raiseFileLimit() {}
