package uses // want `reaches ctxvar, API of github.com/ctxvar/ctxvar/ctxvar with Spawn`

import "github.com/ctxvar/ctxvar/ctxvar"

func F() { ctxvar.Spawn(func() {}) }
