// Package vaxbook holds the domain of the national vaccination pre-reservation service:
// campaigns, booking windows, fair shares, reservations and the rules that govern them.
//
// Nothing in this package does I/O. Every rule takes the current instant as an argument,
// read by the caller from an injected Clock, and every instant is interpreted in
// Asia/Seoul, whatever the server's local zone. Storage, identity providers, the HTTP API
// and the command line live in subpackages and depend on this one, never the reverse.
package vaxbook
