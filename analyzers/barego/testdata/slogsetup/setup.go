package slogsetup // want package:"ctxvarslog handler logs Config.Region, RequestID, User}$"

// Package slogsetup installs a ctxvarslog handler as slog's default: from
// here on up the import graph, logging through log/slog reads its Vars.

import (
	"log/slog"
	"os"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var RequestID = ctxvar.New("requestID", ctxvar.Default("none"))

var User = ctxvar.New[string]("user")

// Other is not logged.
var Other = ctxvar.New[string]("other")

type Settings struct {
	Region *ctxvar.Var[string]
}

var Config = Settings{Region: ctxvar.New[string]("region")}

func init() { // want init:"sets any Var"
	h := ctxvarslog.NewHandler(slog.NewTextHandler(os.Stderr, nil),
		ctxvarslog.Vars(RequestID, User),
		ctxvarslog.Attr("region", Config.Region),
		ctxvarslog.Group("ctx"))
	slog.SetDefault(slog.New(h))
}
