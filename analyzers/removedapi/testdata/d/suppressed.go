// Package d keeps a call of the removed API on purpose: the fixes of the
// others must keep the import it needs.
package d

import "github.com/ctxvar/ctxvar/ctxvar"

func kept() {
	//lint:ignore removedapi the test of the migration message calls it
	ctxvar.EnableInherit()
	ctxvar.DisableInherit() // want `DisableInherit was removed`
}
