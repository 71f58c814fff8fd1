package a

// This file uses ctxvar only for the removed switches: the fixes remove the
// import with them.

import "github.com/ctxvar/ctxvar/ctxvar"

func start() {
	ctxvar.EnableInherit() // want `EnableInherit was removed`
	go work()
	ctxvar.DisableInherit() // want `DisableInherit was removed`
}

func work() {}
