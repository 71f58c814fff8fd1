// Package legacy was written against the API of aiocontextvars before 0.2
// and does not compile: removedapi explains each call, and its fixes make the
// package compile again.
package legacy

import (
	"example.com/multipkg/lib"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// Setup turns on inheritance, which is no longer a switch.
func Setup() {
	ctxvar.EnableInherit() // want removedapi `EnableInherit`
}

// User returns the current user with the Python spelling of Get.
func User() string {
	return lib.User.get("anonymous") // want removedapi `GetOr`
}
