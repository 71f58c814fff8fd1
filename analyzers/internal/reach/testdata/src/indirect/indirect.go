package indirect // want `reaches ctxvar, API of github.com/ctxvar/ctxvar/ctxvar with Spawn`

import "uses"

func G() { uses.F() }
