//go:build race

package ctxvar

// raceEnabled reports whether the race detector is on: its instrumentation
// allocates, which allocation counts must allow for.
const raceEnabled = true
