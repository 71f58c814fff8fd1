package slogaudit // want package:"ctxvarslog handler logs AuditID}$"

// Package slogaudit builds a handler of its own, with other Vars than
// slogsetup's.

import (
	"log/slog"
	"os"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var AuditID = ctxvar.New[string]("auditID")

var Logger = slog.New(ctxvarslog.NewHandler(slog.NewJSONHandler(os.Stdout, nil), ctxvarslog.Vars(AuditID)))
