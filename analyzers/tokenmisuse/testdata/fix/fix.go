// Package fix holds the Resets whose order tokenmisuse can swap.
package fix

import "github.com/ctxvar/ctxvar/ctxvar"

var user = ctxvar.New[string]("user")

func lookup() string { return "bob" }

func authenticate(next func()) {
	system := user.Set("admin")
	caller := user.Set(lookup())
	next()
	user.Reset(system) // want `restores user out of order`
	user.Reset(caller)
}

// Not adjacent: no fix.
func apart(next func()) {
	system := user.Set("admin")
	caller := user.Set(lookup())
	user.Reset(system) // want `restores user out of order`
	next()
	user.Reset(caller)
}
