// Package b starts a goroutine without its Context: the function it runs
// reads a Var through package a. The emoji before the go statement on its
// line makes UTF-16 columns differ from byte columns.
package b

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"

	"example.com/lsptest/a"
)

func report() { fmt.Println(a.Current()) }

// Start reports on another goroutine.
func Start() {
	ctxvar.Spawn(func() {})
	_ = "😀"; go report()
}
