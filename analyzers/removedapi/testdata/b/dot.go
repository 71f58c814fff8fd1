package b

import . "github.com/ctxvar/ctxvar/ctxvar"

// A dot import leaves no qualifier to check: silent.
func dotted() {
	EnableInherit()
	_ = Copy()
}
