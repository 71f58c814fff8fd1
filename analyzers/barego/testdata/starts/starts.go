// Package starts calls functions that run their function arguments on
// other goroutines, of every kind that barego's result tells: builtin and
// configured launchers and spawners, the runtime's Spawn, and wrappers of
// this package and of package b. It is analyzed with b.Later and later
// named as launchers and (*b.Queue).Push as a spawner. The functions it
// runs use no Var: nothing is reported.
package starts

import (
	"time"

	"example.com/barego/b"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// async is a launcher.
func async(fn func()) { go fn() } // want async:"runs fn on another goroutine"

// spawn is a Spawn.
func spawn(fn func()) { ctxvar.Spawn(fn) } // want spawn:"binds fn to the caller's Context" spawn:"carries ctxvar.Spawn"

// both launches hook and spawns fn.
func both(hook, fn func()) { // want both:"runs hook on another goroutine" both:"binds fn to the caller's Context" both:"carries ctxvar.Spawn"
	go hook()
	ctxvar.Spawn(fn)
}

// mixed launches fn on one path and spawns it on another: it is a launcher.
func mixed(fn func(), bound bool) { // want mixed:"runs fn on another goroutine" mixed:"carries ctxvar.Spawn"
	if bound {
		ctxvar.Spawn(fn)
		return
	}
	go fn()
}

// uncalled is a launcher that the package does not call.
func uncalled(fn func()) { go fn() } // want uncalled:"runs fn on another goroutine"

// later is a generic launcher, by the configuration.
func later[F ~func()](fn F) { _ = fn }

func use(q *b.Queue, p *b.Pool) { // want use:"carries ctxvar.Spawn"
	time.AfterFunc(time.Second, func() {}).Stop()
	b.Async(func() {})
	b.Go(func() {})
	b.Later(func() {})
	q.Push(func() {})
	(*b.Pool).Submit(p, "task", func() {})
	async(func() {})
	spawn(func() {})
	both(func() {}, func() {})
	mixed(func() {}, true)
	later(func() {})
	ctxvar.Spawn(func() {})
}
