package runcontext // want package:"func values may set requestID\\}$"

// Package runcontext checks the function given to ctxvar.RunContext: it runs
// in the snapshot its context.Context carries, which the analysis knows when
// the function takes it with ctxvar.WithCurrent.

import (
	"context"
	"log"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New[string]("requestID") // want requestID:"^noDefault$"

var bg = context.Background()

func worker() { // want worker:"^requires requestID$"
	_ = requestID.Get()
}

// The snapshot is taken in the call: the function sees what is set there.
func direct() { // want direct:"^may set requestID$"
	go func() {
		ctxvar.RunContext(ctxvar.WithCurrent(bg), func() {
			_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at runcontext\.go:24 \(it starts with an empty Context\);`
		})
		ctxvar.RunContext(ctxvar.WithCurrent(bg), worker)               // want `^worker calls requestID\.Get \(runcontext\.go:19\), which can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at runcontext\.go:24`
		ctxvar.RunContext(ctxvar.NewContext(bg, ctxvar.Copy()), worker) // want `^worker calls requestID\.Get`
	}()
	go func() {
		defer requestID.Reset(requestID.Set("bg"))
		ctxvar.RunContext(ctxvar.WithCurrent(bg), func() {
			_ = requestID.Get()
		})
		ctxvar.RunContext(ctxvar.WithCurrent(bg), worker)
		ctxvar.RunContext(ctxvar.NewContext(bg, ctxvar.Copy()), worker)
	}()
}

// A local defined by WithCurrent, and never assigned again, holds the
// snapshot of its definition: a Set after it does not reach the function.
func local() { // want local:"^may set requestID$"
	go func() {
		ctx := ctxvar.WithCurrent(bg)
		requestID.Set("late")
		ctxvar.RunContext(ctx, func() {
			_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at runcontext\.go:44`
		})
		ctxvar.RunContext(ctx, worker) // want `^worker calls requestID\.Get`
	}()
	go func() {
		requestID.Set("early")
		var ctx = ctxvar.WithCurrent(bg)
		// A snapshot does not change: it may be run any number of times.
		for range 2 {
			ctxvar.RunContext(ctx, worker)
		}
		ctxvar.RunContext(ctx, func() { _ = requestID.Get() })
	}()
}

// The function's own Sets count, as in any function.
func setsInside() { // want setsInside:"^may set requestID$"
	go func() {
		ctxvar.RunContext(ctxvar.WithCurrent(bg), func() {
			defer requestID.Reset(requestID.Set("inside"))
			_ = requestID.Get()
		})
	}()
}

// RunContext restores the goroutine's Context: what the function sets stays
// in the snapshot's copy.
func notSetAfter(ctx context.Context) { // want notSetAfter:"^requires requestID; may set requestID$"
	go func() {
		ctxvar.RunContext(ctxvar.WithCurrent(bg), func() { requestID.Set("inside") })
		_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at runcontext\.go:76`
	}()
	ctxvar.RunContext(ctx, func() { requestID.Set("inside") })
	_ = requestID.Get()
}

// Where the snapshot comes from elsewhere, the function is not checked.
func untraced(ctx context.Context, c *ctxvar.Context, s *server) { // want untraced:"^may set requestID$"
	ctxvar.RunContext(ctx, func() { _ = requestID.Get() })
	ctxvar.RunContext(ctx, worker)
	ctxvar.RunContext(s.ctx, worker)
	ctxvar.RunContext(ctxvar.NewContext(bg, c), worker)
	derived, cancel := context.WithCancel(ctxvar.WithCurrent(bg))
	defer cancel()
	ctxvar.RunContext(derived, worker)
	reassigned := ctxvar.WithCurrent(bg)
	if ctx != nil {
		reassigned = ctx
	}
	ctxvar.RunContext(reassigned, worker)
	captured := ctxvar.WithCurrent(bg)
	go func() {
		ctxvar.RunContext(captured, worker)
	}()
	context.AfterFunc(ctx, func() { ctxvar.RunContext(ctx, worker) })
	enter(ctxvar.WithCurrent(bg), worker)
}

type server struct{ ctx context.Context }

// enter hands its func parameter to RunContext: the snapshot is its
// caller's business, and fn is not checked at the calls.
func enter(ctx context.Context, fn func()) {
	ctxvar.RunContext(ctx, fn)
}

func goUntraced(ctx context.Context) { // want goUntraced:"^may set requestID$"
	go untraced(ctx, ctxvar.Copy(), &server{ctx: ctx})
	go enter(ctx, worker)
	go enter(ctx, func() { _ = requestID.Get() })
}

// The example of the documentation, and its fix.
func docExample() { // want docExample:"^may set requestID$"
	go func() {
		ctx := ctxvar.WithCurrent(context.Background())
		defer requestID.Reset(requestID.Set("job"))
		ctxvar.RunContext(ctx, func() {
			log.Print(requestID.Get()) // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at runcontext\.go:\d+`
		})
	}()
	go func() {
		defer requestID.Reset(requestID.Set("job"))
		ctx := ctxvar.WithCurrent(context.Background())
		ctxvar.RunContext(ctx, func() {
			log.Print(requestID.Get())
		})
	}()
}

// go ctxvar.RunContext(ctx, fn) takes ctx here and runs fn on the new
// goroutine in its snapshot, as ctxvar.Spawn(fn) would in a copy: what fn
// needs, its callers must set.
func goRunContext(ctx context.Context) { // want goRunContext:"^requires requestID$"
	go ctxvar.RunContext(ctxvar.WithCurrent(bg), worker)
	go ctxvar.RunContext(ctx, worker)
}

func goRunContextSet() { // want goRunContextSet:"^may set requestID$"
	defer requestID.Reset(requestID.Set("parent"))
	go ctxvar.RunContext(ctxvar.WithCurrent(bg), worker)
	snap := ctxvar.WithCurrent(bg)
	go ctxvar.RunContext(snap, func() { _ = requestID.Get() })
}

func goRunContextEntry() {
	go func() {
		go ctxvar.RunContext(ctxvar.WithCurrent(bg), worker) // want `^worker calls requestID\.Get \(runcontext\.go:19\), which can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at runcontext\.go:\d+`
		snap := ctxvar.WithCurrent(bg)
		go ctxvar.RunContext(snap, func() {
			_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError`
		})
	}()
	go func() {
		goRunContext(bg) // want `^goRunContext calls requestID\.Get \(runcontext\.go:19\)`
	}()
}
