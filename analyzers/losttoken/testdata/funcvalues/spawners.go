package funcvalues

import "github.com/ctxvar/ctxvar/ctxvar"

// Spawners run a function parameter only in a Context of their own: a
// literal passed to them is silent, as one passed to Spawn.

func Go(fn func()) { // want Go:"runs its parameter 1 in a Context of its own"
	ctxvar.Spawn(fn)
}

func GoWait(fn func(int)) chan struct{} { // want GoWait:"runs its parameter 1 in a Context of its own"
	done := make(chan struct{})
	ctxvar.Spawn(func() {
		defer close(done)
		fn(1)
	})
	return done
}

func Wrap(fn func()) func() { // want Wrap:"runs its parameter 1 in a Context of its own"
	return ctxvar.Bind(fn)
}

func GoVia(name string, fn func()) { // want GoVia:"runs its parameter 2 in a Context of its own"
	Go(fn)
}

func GoBoth(a, b func()) { // want GoBoth:"runs its parameters 1, 2 in Contexts of their own"
	ctxvar.Spawn(a)
	ctxvar.Copy().Run(b)
}

type pool struct{}

func (p *pool) Submit(fn func()) { // want Submit:"runs its parameter 1 in a Context of its own"
	ctxvar.Spawn(fn)
}

// Not spawners: the parameter may run in the caller's Context, or on a
// bare goroutine.

func GoBare(fn func()) {
	go fn()
}

func RunHere(fn func()) {
	fn()
}

func GoAndCall(fn func()) {
	ctxvar.Spawn(fn)
	fn()
}

func GoNested(fn func()) {
	ctxvar.Spawn(func() {
		go fn()
	})
}

func GoReassigned(fn func()) {
	if fn == nil {
		fn = func() {}
	}
	ctxvar.Spawn(fn)
}

func GoRecursive(n int, fn func()) {
	if n == 0 {
		ctxvar.Spawn(fn)
		return
	}
	GoRecursive(n-1, fn)
}

func useSpawners(t string, p *pool) {
	Go(func() { tenant.Set(t) })
	<-GoWait(func(int) { tenant.Set(t) })
	Wrap(func() { tenant.Set(t) })()
	GoVia("x", func() { tenant.Set(t) })
	GoBoth(func() { tenant.Set(t) }, func() { region.Set(t) })
	p.Submit(func() { tenant.Set(t) })
	(*pool).Submit(p, func() { tenant.Set(t) })
	f := func() { tenant.Set(t) }
	Go(f)
	GoVia("y", f)
}

func useNotSpawners(t string) {
	GoBare(func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	})
	RunHere(func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	})
	GoAndCall(func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	})
	GoNested(func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	})
	GoReassigned(func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	})
	GoRecursive(1, func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	})
	GoVia(func() string {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
		return "z"
	}(), func() {})
}
