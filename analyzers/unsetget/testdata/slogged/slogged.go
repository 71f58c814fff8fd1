// Package slogged logs through a ctxvarslog handler: the handler reads its
// Vars with ValueAny, which cannot panic, and skips those without a value,
// so logging is never reported, whatever is set.
package slogged

import (
	"log/slog"
	"os"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var requestID = ctxvar.New[string]("requestID") // want requestID:"^noDefault$"

var logger = slog.New(ctxvarslog.NewHandler(slog.NewTextHandler(os.Stderr, nil), ctxvarslog.Vars(requestID)))

func goLog() {
	go func() {
		logger.Info("no requestID here")
		slog.Info("nor here")
	}()
	go func() {
		_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError`
	}()
}
