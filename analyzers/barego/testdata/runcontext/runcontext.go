// Package runcontext checks ctxvar.RunContext, which runs its function in
// the snapshot a context.Context carries, and ctxvar.WithCurrent, which
// takes the snapshot: RunContext is like c.Run, WithCurrent like Copy.
package runcontext

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var user = ctxvar.New[string]("user")

func use(string) {}

func cleanup() { // want cleanup:"reads requestID.Get"
	use(requestID.Get())
}

// The function given to RunContext runs in ctx's snapshot, not in the
// goroutine's Context: a goroutine that runs its work there is fine.
func goRunContext(ctx context.Context) {
	go func() {
		ctxvar.RunContext(ctx, func() { use(requestID.Get()) })
	}()
	go ctxvar.RunContext(ctx, cleanup)
	go func() { ctxvar.RunContext(ctx, cleanup) }()
}

// The example of the runtime's documentation: the AfterFunc callback runs on
// another goroutine, in the snapshot WithCurrent took.
func afterFunc(ctx context.Context) { // want afterFunc:"carries ctxvar.WithCurrent"
	ctx = ctxvar.WithCurrent(ctx)
	context.AfterFunc(ctx, func() { ctxvar.RunContext(ctx, cleanup) })
	time.AfterFunc(time.Second, func() {
		ctxvar.RunContext(ctx, func() { use(user.GetOr("?")) })
	})
	var g errgroup.Group
	g.Go(func() error {
		ctxvar.RunContext(ctx, cleanup)
		return nil
	})
}

// enter hands its func parameter to RunContext: its calls are fine, as
// those of a Spawn-like wrapper are. It neither launches nor binds fn.
func enter(ctx context.Context, fn func()) {
	ctxvar.RunContext(ctx, fn)
}

// asyncIn starts fn on a goroutine that enters ctx's snapshot first.
func asyncIn(ctx context.Context, fn func()) {
	go func() { ctxvar.RunContext(ctx, fn) }()
}

func wrappers(ctx context.Context) {
	go enter(ctx, cleanup)
	go enter(ctx, func() { use(requestID.Get()) })
	asyncIn(ctx, cleanup)
	asyncIn(ctx, func() { use(user.Get()) })
	context.AfterFunc(ctx, func() { enter(ctx, cleanup) })
}

// A function that reads the goroutine's Context after RunContext returns
// reads the goroutine's own Context: RunContext restores it.
func after(ctx context.Context) { // want after:"reads requestID.Get"
	ctxvar.RunContext(ctx, func() { requestID.Set("x") })
	use(requestID.Get())
}

func goAfter(ctx context.Context) {
	go after(ctx) // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
	go func() {   // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
		ctxvar.RunContext(ctx, cleanup)
		use(requestID.Get())
	}()
}

// WithCurrent carries the goroutine's Context on, as Copy does: on a bare
// goroutine it snapshots an empty Context.
func snapshot(ctx context.Context) context.Context { // want snapshot:"carries ctxvar.WithCurrent"
	return ctxvar.WithCurrent(ctx)
}

func goWithCurrent(ctx context.Context, out chan<- context.Context) {
	go func() { // want `^goroutine started with go runs with an empty Context: ctxvar.WithCurrent passes on an empty Context; start it with ctxvar.Spawn$`
		ctxvar.RunContext(ctxvar.WithCurrent(ctx), cleanup)
	}()
	go func() { // want `^goroutine started with go runs with an empty Context: ctxvar.WithCurrent passes on an empty Context; start it with ctxvar.Spawn$`
		out <- snapshot(ctx)
	}()
	context.AfterFunc(ctx, func() { // want `^context.AfterFunc runs its function on another goroutine with an empty Context: ctxvar.WithCurrent passes on an empty Context; wrap the function with ctxvar.Bind$`
		out <- ctxvar.WithCurrent(ctx)
	})
	go func() { // want `: requestID.Get sees none of the caller's values and ctxvar.Copy and ctxvar.WithCurrent pass on an empty Context;`
		c := ctxvar.Copy()
		out <- ctxvar.NewContext(ctxvar.WithCurrent(ctx), c)
		use(requestID.Get())
	}()
}

// A goroutine that sets a Var before it takes the snapshot builds the
// Context it carries on, as with Copy.
func goSetFirst(ctx context.Context, out chan<- context.Context) {
	go func() {
		defer user.Reset(user.Set("bot"))
		out <- ctxvar.WithCurrent(ctx)
	}()
}

// NewContext stores a Context the code names, and FromContext reads one
// back: neither reads the goroutine's Context.
func goNewContext(ctx context.Context, c *ctxvar.Context, out chan<- context.Context) {
	go func() {
		out <- ctxvar.NewContext(ctx, c)
	}()
	go func() {
		got, _ := ctxvar.FromContext(ctx)
		got.Run(cleanup)
	}()
}

// ValueAny reads a Var, as Lookup does.
func goValueAny() {
	go func() { // want `^goroutine started with go runs with an empty Context: user.ValueAny sees none of the caller's values; start it with ctxvar.Spawn$`
		v, _ := user.ValueAny()
		fmt.Println(v)
	}()
	var anyVar ctxvar.AnyVar = user
	go func() { // through the interface: no Var barego can name
		v, _ := anyVar.ValueAny()
		fmt.Println(v)
	}()
}
