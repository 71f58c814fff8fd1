// Package lib holds the request-scoped context variables of the service, the
// helpers that read them and the functions that start goroutines, for the
// other packages of the module.
package lib

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// RequestID identifies the request being served; it is "none" outside one.
var RequestID = ctxvar.New("requestID", ctxvar.Default("none"))

// User is the authenticated user. It has no default: Get panics where no
// request has set it.
var User = ctxvar.New[string]("user")

// Logf formats a log line prefixed with the current request ID.
func Logf(format string, args ...any) string {
	return "[" + RequestID.Get() + "] " + fmt.Sprintf(format, args...)
}

// CurrentUser returns the user of the current request.
func CurrentUser() string { return User.Get() }

// Async runs fn on a new goroutine, which starts with an empty Context.
func Async(fn func()) { go fn() }

// Enqueue queues fn for the worker goroutines, which run it in their own
// Context. Nothing in its body shows that: ctxvarlint learns it from the
// -barego.launchers flag.
func Enqueue(fn func()) { jobs <- fn }

var jobs = make(chan func(), 16)

// Work runs queued functions until the queue is closed.
func Work() {
	for fn := range jobs {
		fn()
	}
}

// Background runs fn on a new goroutine, in a copy of the caller's Context.
func Background(fn func()) { ctxvar.Spawn(fn) }
