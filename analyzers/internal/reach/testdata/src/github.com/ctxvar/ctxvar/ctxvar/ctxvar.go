package ctxvar // want "reaches ctxvar"

// Spawn stands in for the runtime's: reach goes by import path.
func Spawn(fn func()) { go fn() } // want "inspected"
