// Package wrap is a library of functions that take functions to run: some
// start them on other goroutines, which barego finds by their bodies and
// records in its facts, or learns from its configuration; some do not.
package wrap

import "github.com/ctxvar/ctxvar/ctxvar"

// Async runs fn on a new goroutine, which starts with an empty Context: a
// launcher, by its go statement.
func Async(fn func()) { go fn() }

// Spawn runs fn on a new goroutine in a copy of the caller's Context: a
// Spawn, by its call of ctxvar.Spawn.
func Spawn(fn func()) { ctxvar.Spawn(fn) }

// Sync runs fn on the caller's goroutine: neither.
func Sync(fn func()) { fn() }

// A Pool runs functions on a worker goroutine.
type Pool struct{ jobs chan job }

type job struct {
	c  *ctxvar.Context // the Context to run fn in; nil for the worker's own
	fn func()
}

// NewPool starts a Pool.
func NewPool() *Pool {
	p := &Pool{jobs: make(chan job, 16)}
	go p.work()
	return p
}

func (p *Pool) work() {
	for j := range p.jobs {
		if j.c != nil {
			j.c.Run(j.fn)
		} else {
			j.fn()
		}
	}
}

// Go runs fn on a new goroutine: a launcher method.
func (p *Pool) Go(fn func()) { go fn() }

// Later queues fn for the worker, which runs it with the worker's own
// Context: a launcher that barego cannot see as one by itself.
func (p *Pool) Later(fn func()) { p.jobs <- job{fn: fn} }

// LaterFunc is a generic Later.
func LaterFunc[F ~func()](p *Pool, fn F) { p.jobs <- job{fn: fn} }

// Enqueue queues fn for the worker with a copy of the caller's Context to
// run it in: a spawner that barego cannot see as one by itself.
func (p *Pool) Enqueue(fn func()) { p.jobs <- job{c: ctxvar.Copy(), fn: fn} }
