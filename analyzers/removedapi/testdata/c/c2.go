package c

import "github.com/ctxvar/ctxvar/ctxvar"

func alsoBroken() {
	_ = v.Get("default") // want `v\.Get takes no argument`
	ctxvar.
}

func (
