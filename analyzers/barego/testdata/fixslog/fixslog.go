package fixslog // want package:"ctxvarslog handler logs requestID}$"

// Package fixslog checks that the fixes of goroutines that log through a
// ctxvarslog handler are those of goroutines that read Vars.

import (
	"log/slog"
	"os"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var requestID = ctxvar.New[string]("requestID")

var logger = slog.New(ctxvarslog.NewHandler(slog.NewTextHandler(os.Stderr, nil), ctxvarslog.Vars(requestID)))

func audit(msg string) { // want audit:"slog.\\(\\*Logger\\).Info logs requestID"
	logger.Info(msg)
}

func handle(id string) { // want handle:"sets requestID"
	defer requestID.Reset(requestID.Set(id))
	go func() { // want `slog.\(\*Logger\).Info logs without requestID`
		logger.Info("handling")
	}()
	go audit("audit " + id)                                  // want `slog.\(\*Logger\).Info logs without requestID`
	go slog.Info("started")                                  // want `slog.Info logs without requestID`
	time.AfterFunc(time.Second, func() { audit("timeout") }) // want `wrap the function with ctxvar.Bind`
}
