// Package slognone builds ctxvarslog handlers whose Vars barego cannot
// tell: they add nothing, and logging reads no Var.
package slognone

import (
	"log/slog"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var vars = []ctxvar.AnyVar{requestID}

var anyVar ctxvar.AnyVar = requestID

var opt = ctxvarslog.Vars(requestID)

func handlers(h slog.Handler, opts []ctxvarslog.Option) []*ctxvarslog.Handler { // want handlers:"sets any Var"
	local := ctxvar.New[string]("local")
	return []*ctxvarslog.Handler{
		ctxvarslog.NewHandler(h),
		ctxvarslog.NewHandler(h, opts...),
		ctxvarslog.NewHandler(h, ctxvarslog.Vars(vars...)),
		ctxvarslog.NewHandler(h, ctxvarslog.Vars(anyVar)),
		ctxvarslog.NewHandler(h, ctxvarslog.Attr("v", anyVar)),
		ctxvarslog.NewHandler(h, ctxvarslog.Vars(local)),
		ctxvarslog.NewHandler(h, ctxvarslog.Group("g")),
		ctxvarslog.NewHandler(h, opt),
	}
}

func goLog() {
	go func() { slog.Info("background") }()
	go slog.Warn("x")
}
