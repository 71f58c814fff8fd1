// Package removed does not type-check: it calls API that ctxvar no longer
// has, as code written against aiocontextvars before 0.2 did, and has an
// unrelated type error besides.
package removed

import "github.com/ctxvar/ctxvar/ctxvar"

// RequestID is read by the caller package.
var RequestID = ctxvar.New("requestID", ctxvar.Default("none"))

// Setup asks for inheritance, which is no longer optional.
func Setup() {
	ctxvar.EnableInherit() // want removedapi `EnableInherit`
}

// Isolate turns inheritance off, which is no longer possible.
func Isolate() {
	ctxvar.DisableInherit() // want removedapi `DisableInherit`
}

// Clear deletes the value instead of resetting it with a token.
func Clear() {
	RequestID.Delete() // want removedapi `Delete`
}

// Count returns a name that does not exist.
func Count() int { return requests }
