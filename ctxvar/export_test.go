package ctxvar

// HoldSweeper keeps the sweeper from running until the test ends, for the
// external tests (reuse_test.go) that show a value left on a goroutine of the
// runtime's own: runtime.Stack does not list those goroutines while they are
// idle, so a sweep between two units of work would remove the value and hide
// the leak that the test shows.
var HoldSweeper = holdSweeper
