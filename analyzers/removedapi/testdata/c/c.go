// Package c does not parse.
package c

import "github.com/ctxvar/ctxvar/ctxvar"

var v = ctxvar.New[string]("v")

func broken() {
	ctxvar.EnableInherit() // want `EnableInherit was removed`
	v.Delete()             // want `v\.Delete was removed`
	x :=
}

func unterminated( {
	v.Delete()
	ctxvar.DisableInherit(
}
