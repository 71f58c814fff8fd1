// Package base declares a Var that package helpers sets for package
// usehelpers, which does not import it.
package base

import "github.com/ctxvar/ctxvar/ctxvar"

// Region is set by helpers.EnterRegion.
var Region = ctxvar.New("region", ctxvar.Default("eu"))
