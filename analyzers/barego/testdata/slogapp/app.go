package slogapp // want package:"ctxvarslog handler logs slogsetup.Config.Region, slogsetup.RequestID, slogsetup.User}$"

// Package slogapp sees the handler only through slogmid's fact: it does not
// import slogsetup itself.

import (
	"context"
	"log/slog"
	"time"

	"example.com/barego/sloglib"
	"example.com/barego/slogmid"
	"github.com/ctxvar/ctxvar/ctxvar"
)

func goLog(ctx context.Context) { // want goLog:"carries ctxvar.Spawn"
	go func() { // want `^goroutine started with go runs with an empty Context: slog.InfoContext logs without slogsetup.Config.Region, slogsetup.RequestID and slogsetup.User, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn$`
		slog.InfoContext(ctx, "background")
	}()
	go slogmid.Log("x")                  // want `^goroutine started with go runs with an empty Context: slog.Info logs without slogsetup.Config.Region, slogsetup.RequestID and slogsetup.User, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn$`
	go slogmid.LogAs("bob", "x")         // want `: slog.Info logs without slogsetup.Config.Region and slogsetup.RequestID, which`
	time.AfterFunc(time.Second, func() { // want `^time.AfterFunc runs its function on another goroutine with an empty Context: slog.Info logs without slogsetup.Config.Region, slogsetup.RequestID and slogsetup.User, which the ctxvarslog handler adds from the Context; wrap the function with ctxvar.Bind$`
		slogmid.Log("late")
	})
	ctxvar.Spawn(func() { slogmid.Log("spawned") })
}

// sloglib cannot know how its logger is set up: its functions' facts say
// nothing of logging, here too.
func goLib() {
	go sloglib.Log("x")
}
