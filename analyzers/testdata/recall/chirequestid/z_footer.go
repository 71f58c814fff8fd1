package chirequestid

import (
	"example.com/recall/chirequestid/config"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// footer's init function runs after middleware.go's: prefix is set.
var footer string

func init() {
	footer = "served by " + prefix.Get() // ok: unsetget [init-order]
	sink(banner, firstID, bootID)
}

// Init functions of one file run in the order they appear: this one runs
// before the one that sets stage.
var stage = ctxvar.New[string]("stage")

func init() {
	sink(stage.Get()) // mistake: unsetget [init-order]
}

func init() {
	stage.Set("prod")            // ok: losttoken [init]
	config.Region.Set("eu-west") // ok: losttoken [init]
}

func init() {
	sink(stage.Get(), config.Region.Get(), config.Describe()) // ok: unsetget [init-order]
}
