// Package config is imported by chirequestid, so its init functions run
// before chirequestid's: a Var that chirequestid's init sets is not set
// yet when config's init runs.
package config

import "github.com/ctxvar/ctxvar/ctxvar"

// Region is set by the init function of the package that imports config.
var Region = ctxvar.New[string]("region")

// Zone has a default.
var Zone = ctxvar.New("zone", ctxvar.Default("z0"))

var describe string

func init() {
	describe = Region.Get() + "/" + Zone.Get() // mistake: unsetget [init-order]
}

// Describe reads Region.
func Describe() string { return describe + Region.Get() }
