//go:build race

package ctxvarslog_test

// raceEnabled reports that the race detector is on; its instrumentation
// turns off the compiler's optimization of slices.Grow, which then
// allocates a temporary slice.
const raceEnabled = true
