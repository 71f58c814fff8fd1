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

// A literal stored first is checked, as for Spawn and Bind: the analyzer
// cannot tell where it will run.
func stored(ctx context.Context, id string) {
	f := func() {
		user.Set(id) // want `the token returned by user.Set is discarded`
	}
	ctxvar.RunContext(ctx, f)
}
