package uses // want "reaches ctxvar"

import "github.com/ctxvar/ctxvar/ctxvar"

func F() { ctxvar.Spawn(func() {}) } // want "inspected"
