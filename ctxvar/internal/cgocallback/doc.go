// Package cgocallback calls Go from threads created in C, for the tests that
// show what ctxvar's values do on the goroutines the Go runtime keeps for
// such threads.
//
// A call from a C thread into Go runs on a goroutine that belongs to an
// "extra M", a runtime thread structure that the runtime lends to the C
// thread. That goroutine keeps its id across the callbacks of the thread and,
// once the thread has exited, is lent with its M to the next C thread that
// calls Go. A callback that Sets a context variable without Reset therefore
// leaves the value to the next callback, unless each callback enters a fresh
// Context with new(ctxvar.Context).Run.
//
// Without cgo the package still builds: [Enabled] is false and the functions
// return [ErrNoCgo].
package cgocallback

import "errors"

// ErrNoCgo is returned by the functions of a package built without cgo.
var ErrNoCgo = errors.New("cgocallback: built without cgo (CGO_ENABLED=0 or no C compiler): no C threads to call back from")
