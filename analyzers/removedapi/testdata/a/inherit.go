// Package a holds removed and Python-style calls that have a mechanical
// fix; with every fix applied, it compiles.
package a

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

func setup() {
	ctxvar.EnableInherit() // want `ctxvar\.EnableInherit was removed, as aiocontextvars 0\.2 removed enable_inherit: ctxvar\.Spawn always starts a goroutine in a copy of the caller's Context, so there is nothing to enable; delete the call and start goroutines that need the caller's values with ctxvar\.Spawn`
	fmt.Println(requestID.Get())
	ctxvar.DisableInherit() // want `ctxvar\.DisableInherit was removed, as aiocontextvars 0\.2 removed disable_inherit: a goroutine started with a bare go statement already starts with an empty Context, and ctxvar\.Spawn always copies it; delete the call and start goroutines that must not inherit with go`
}

func inBranches(on bool) {
	if on {
		ctxvar.EnableInherit() // want `EnableInherit was removed`
	} else {
		ctxvar.DisableInherit() // want `DisableInherit was removed`
	}
	switch {
	case on:
		ctxvar.EnableInherit() // want `EnableInherit was removed`
	}
	ch := make(chan int)
	select {
	case <-ch:
		ctxvar.DisableInherit() // want `DisableInherit was removed`
	default:
	}
	func() {
		ctxvar.EnableInherit() // want `EnableInherit was removed`
	}()
}
