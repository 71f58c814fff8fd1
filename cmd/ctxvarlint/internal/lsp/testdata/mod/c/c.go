// Package c imports b, so that an edit of b analyzes c again.
package c

import "example.com/lsptest/b"

// Run starts b.
func Run() { b.Start() }
