package slogself // want package:"ctxvarslog handler logs requestID, user}$"

// Package slogself builds a ctxvarslog handler and logs: its calls of
// log/slog read the handler's Vars, as GetOr would.

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var user = ctxvar.New[string]("user")

// tenant is not logged.
var tenant = ctxvar.New[string]("tenant")

type Settings struct {
	Region *ctxvar.Var[string]
}

var logger = slog.New(ctxvarslog.NewHandler(slog.NewJSONHandler(os.Stdout, nil), ctxvarslog.Vars(requestID, user)))

// A handler built in a function counts too. barego cannot tell which
// handler a logger goes to: logging reads the Vars that all the handlers
// add, requestID and user, not s.Region.
func regional(s Settings) *slog.Logger { // want regional:"sets any Var"
	return slog.New(ctxvarslog.NewHandler(slog.Default().Handler(),
		ctxvarslog.Vars(user), ctxvarslog.Attr("region", s.Region), ctxvarslog.Attr("request", requestID)))
}

func helper() { // want helper:"^slog.Info logs requestID, user$"
	slog.Info("helper")
}

func goLog(ctx context.Context) {
	go func() { // want `^goroutine started with go runs with an empty Context: slog.Info logs without requestID and user, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn$`
		slog.Info("start")
	}()
	go slog.Info("x")                // want `^goroutine started with go runs with an empty Context: slog.Info logs without`
	go logger.Info("x")              // want `^goroutine started with go runs with an empty Context: slog.\(\*Logger\).Info logs without requestID and user, which`
	go helper()                      // want `^goroutine started with go runs with an empty Context: slog.Info logs without`
	go logger.With("k", 1).Warn("x") // want `: slog.\(\*Logger\).Warn logs without`
	go func() {                      // want `: slog.\(\*Logger\).LogAttrs logs without`
		logger.LogAttrs(ctx, slog.LevelInfo, "attrs")
	}()
	go func() { // want `: slog.Log logs without`
		slog.Log(ctx, slog.LevelWarn, "log")
	}()
}

// The Vars set before the log call are not missing.
func goSetFirst() {
	go func() { // want `^goroutine started with go runs with an empty Context: slog.Info logs without user, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn$`
		defer requestID.Reset(requestID.Set("bg"))
		slog.Info("x")
	}()
	go func() { // sets every Var it logs first
		defer requestID.Reset(requestID.Set("bg"))
		defer user.Reset(user.Set("bot"))
		var cfg Settings
		defer cfg.Region.Reset(cfg.Region.Set("eu"))
		slog.Info("x")
	}()
}

// Reads and log calls together.
func goMixed() {
	go func() { // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values and slog.Debug and slog.Info log without requestID and user, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn$`
		slog.Debug(requestID.Get())
		slog.Info("x")
	}()
	go func() { // want `: slog.Error logs without requestID, slog.Info without requestID and user, which the ctxvarslog handler adds from the Context;`
		slog.Info("x")
		user.Set("u")
		slog.Error("y")
	}()
}

// Launchers' functions are reported with the wrapper that fits.
func launch(ctx context.Context) {
	time.AfterFunc(time.Second, func() { slog.Warn("late") }) // want `^time.AfterFunc runs its function on another goroutine with an empty Context: slog.Warn logs without requestID and user, which the ctxvarslog handler adds from the Context; wrap the function with ctxvar.Bind$`
	var g errgroup.Group
	g.Go(func() error { // want `^errgroup.\(\*Group\).Go runs its function on another goroutine with an empty Context: slog.\(\*Logger\).ErrorContext logs without requestID and user, which the ctxvarslog handler adds from the Context; wrap the function with ctxvar.BindErr$`
		logger.ErrorContext(ctx, "failed")
		return nil
	})
	var wg sync.WaitGroup
	wg.Go(helper) // want `^sync.\(\*WaitGroup\).Go runs its function on another goroutine with an empty Context: slog.Info logs without`
}

// Logging in the caller's Context is fine.
func carried(ctx context.Context) { // want carried:"carries ctxvar.Bind, ctxvar.Spawn, ctxvar.WithCurrent"
	ctxvar.Spawn(func() { slog.Info("spawned") })
	ctxvar.Spawn(helper)
	go ctxvar.Bind(helper)()
	time.AfterFunc(time.Second, ctxvar.Bind(func() { logger.Warn("bound") }))
	ctx = ctxvar.WithCurrent(ctx)
	context.AfterFunc(ctx, func() { ctxvar.RunContext(ctx, helper) })
	go func() {
		ctxvar.RunContext(ctx, func() { slog.Info("in the snapshot") })
	}()
}

// Calls of log/slog that do not log a record read nothing.
func notLogging() {
	go func() {
		l := slog.Default().With("k", "v")
		_ = l.Enabled(context.Background(), slog.LevelInfo)
		_ = slog.String("k", "v")
	}()
}

// A goroutine meant to log without the Context says so.
func suppressed() {
	//lint:ignore barego the janitor runs outside any request
	go helper()
}

// A function's fact lists its reads and, by log function, the Vars its log
// calls read.
func mixed() { // want mixed:"^reads tenant.Lookup; slog.\\(\\*Logger\\).Warn logs user; slog.Info logs requestID, user; sets requestID$"
	_, _ = tenant.Lookup()
	slog.Info("first")
	defer requestID.Reset(requestID.Set("mixed"))
	logger.Warn("second")
}
