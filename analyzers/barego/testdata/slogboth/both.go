package slogboth // want package:"ctxvarslog handlers log no Var in common}$"

// Package slogboth sees two handlers that have no Var in common: barego
// cannot tell which one a call of log/slog reaches, so it reads none, also
// in the functions of slogmid, which sees one of them only.

import (
	"log/slog"

	"example.com/barego/slogaudit"
	"example.com/barego/slogmid"
	"example.com/barego/slogsetup"
)

func goLog() {
	go func() { slog.Info("which handler?") }()
	go slogaudit.Logger.Info("audit")
	go slogmid.Log("mid")
	go func() { // want `: slogsetup.User.Get sees none of the caller's values; start it with ctxvar.Spawn$`
		slog.Info(slogsetup.User.Get())
	}()
}

func logMid() {
	slogmid.Log("no fact: nothing read here")
}
