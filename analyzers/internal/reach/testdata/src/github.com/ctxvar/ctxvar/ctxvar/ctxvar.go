package ctxvar // want `reaches ctxvar, API of github.com/ctxvar/ctxvar/ctxvar with Spawn`

// Spawn stands in for the runtime's: reach goes by import path.
func Spawn(fn func()) { go fn() }
