package slogmid // want package:"ctxvarslog handler logs slogsetup.Config.Region, slogsetup.RequestID, slogsetup.User}$"

// Package slogmid imports the package that installs the handler: its
// calls of log/slog read the handler's Vars, and its fact passes them on to
// its importers.

import (
	"log/slog"

	"example.com/barego/slogsetup"
)

// Log logs through the default logger.
func Log(msg string) { // want Log:"^slog.Info logs slogsetup.Config.Region, slogsetup.RequestID, slogsetup.User$"
	slog.Info(msg)
}

// LogAs sets User before it logs: its records have their own User.
func LogAs(name, msg string) { // want LogAs:"^slog.Info logs slogsetup.Config.Region, slogsetup.RequestID; sets slogsetup.User$"
	defer slogsetup.User.Reset(slogsetup.User.Set(name))
	slog.Info(msg)
}

func goLog() {
	go func() { // want `^goroutine started with go runs with an empty Context: slog.Info logs without slogsetup.Config.Region, slogsetup.RequestID and slogsetup.User, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn$`
		slog.Info("background")
	}()
}
