// Package reqctx holds the request-scoped context variables of the demo
// service: what a Python service keeps in contextvars.ContextVar, or in
// aiotask-context's context.
package reqctx

import (
	"fmt"
	"log"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// RequestID identifies the request being served; it is "-" outside one.
var RequestID = ctxvar.New("requestID", ctxvar.Default("-"))

// User is the authenticated user of the request. It has no default: like a
// ContextVar created without one, reading it where it was never set panics
// with a LookupError.
var User = ctxvar.New[string]("user")

// Logf logs a line tagged with the current request ID.
func Logf(format string, args ...any) {
	log.Printf("[%s] %s", RequestID.Get(), fmt.Sprintf(format, args...))
}
