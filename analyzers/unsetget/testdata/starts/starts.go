package starts // want package:"func values may set user\\}$"

// This package hands functions that Get a Var without a default to
// functions that run them on other goroutines: this package's own and
// package wrap's, which barego finds to be launchers or Spawns.

import (
	"github.com/ctxvar/ctxvar/ctxvar"

	"example.com/unsetget/wrap"
)

var user = ctxvar.New[string]("user") // want user:"noDefault"

// async is a launcher of this package. The goroutine calls fn, a func
// value, which may set what the package's func values may: that counts
// for the goroutine, not for async's caller.
func async(fn func()) { go fn() } // want async:"^may set user$"

// asyncVia is a launcher through a launcher of another package.
func asyncVia(fn func()) { wrap.Async(fn) }

// spawn is a Spawn of this package.
func spawn(fn func()) { ctxvar.Spawn(fn) }

// sync runs fn on the caller's goroutine: neither. Whatever the package's
// func values may set counts as set after it.
func sync(fn func()) { fn() } // want sync:"^sets user; may set user$"

func readUser() { // want readUser:"^requires user$"
	println(user.Get())
}

// login sets user on a goroutine of its own: not for its caller.
func login() { // want login:"^may set user$"
	wrap.Async(func() { user.Set("u") })
}
