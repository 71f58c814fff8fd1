// Package reqctx holds the request-scoped context variables of the demo
// service: what a Python service keeps in contextvars.ContextVar, or in
// aiotask-context's context.
package reqctx

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

// RequestID identifies the request being served; it is "-" outside one.
var RequestID = ctxvar.New("requestID", ctxvar.Default("-"))

// User is the authenticated user of the request. It has no default: like a
// ContextVar created without one, reading it where it was never set panics
// with a LookupError.
var User = ctxvar.New[string]("user")

// InstallLogger makes slog's default logger write text lines to w, each
// with the request ID and the user of the Context of the goroutine that
// logs.
func InstallLogger(w io.Writer) {
	slog.SetDefault(slog.New(ctxvarslog.NewHandler(slog.NewTextHandler(w, nil),
		ctxvarslog.Vars(RequestID, User))))
}

// Logf logs a line through slog, which adds the request's ID and user.
func Logf(format string, args ...any) {
	slog.Info(fmt.Sprintf(format, args...))
}
