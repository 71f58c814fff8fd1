// Package runcontext checks function literals passed to ctxvar.RunContext,
// which runs them in a fresh copy of the snapshot a context.Context
// carries: the copy is dropped when the function returns, as a Bound
// function's is, and a Set inside needs no Reset.
package runcontext

import (
	"context"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var user = ctxvar.New[string]("user")

func runContext(ctx context.Context, id string) {
	ctxvar.RunContext(ctx, func() { user.Set(id) })
	ctxvar.RunContext(ctxvar.WithCurrent(ctx), func() {
		tok := user.Set(id)
		if id == "" {
			return
		}
		user.Reset(tok)
	})
	go ctxvar.RunContext(ctx, func() { user.Set(id) })
}

// A literal stored in a local variable that is only passed to RunContext
// runs there too: silent.
func stored(ctx context.Context, id string) {
	f := func() {
		user.Set(id)
	}
	ctxvar.RunContext(ctx, f)
}

// A literal stored in a local that is also called, or passed elsewhere, or
// reassigned, may run in the caller's Context: checked.
func storedAndCalled(ctx context.Context, id string) {
	f := func() {
		user.Set(id) // want `the token returned by user.Set is discarded`
	}
	ctxvar.RunContext(ctx, f)
	f()
}

func storedAndPassed(ctx context.Context, id string, run func(func())) {
	f := func() {
		user.Set(id) // want `the token returned by user.Set is discarded`
	}
	ctxvar.RunContext(ctx, f)
	run(f)
}

func storedAndReassigned(ctx context.Context, id string) {
	f := func() {
		user.Set(id) // want `the token returned by user.Set is discarded`
	}
	ctxvar.RunContext(ctx, f)
	f = func() {}
	f()
}

func storedAsVar(ctx context.Context, id string) {
	var f = func() {
		user.Set(id)
	}
	ctxvar.RunContext(ctx, f)
	ctxvar.Spawn(f)
	c := ctxvar.Copy()
	c.Run(f)
	g := ctxvar.Bind(f)
	g()
}

// An enclosing literal that stores one: the inner literal runs in its own
// Context, the outer one is checked.
func storedInClosure(ctx context.Context, id string) {
	func() {
		user.Set(id) // want `the token returned by user.Set is discarded`
		f := func() { user.Set(id) }
		go ctxvar.RunContext(ctx, f)
	}()
}
