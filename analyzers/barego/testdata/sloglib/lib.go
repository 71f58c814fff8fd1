// Package sloglib logs through log/slog, but no package it imports builds
// a ctxvarslog handler: its calls of log/slog read no Var.
package sloglib

import (
	"log/slog"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

func Log(msg string) {
	slog.Info(msg)
}

func goLog() {
	go func() { slog.Info("background") }()
	go slog.Error("x")
	go Log("y")
	go func() { // want `: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
		slog.Info(requestID.Get())
	}()
}
