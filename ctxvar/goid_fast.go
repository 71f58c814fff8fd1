//go:build gc && (amd64 || arm64)

package ctxvar

// haveGoidFast reports whether this build has the assembly fast path.
const haveGoidFast = true

// goidFast returns the current goroutine's id: the word at goidOffset in
// the current g, or goidPortable() if goidOffset is 0 (fast path disabled
// or not yet verified). It is implemented in assembly because the g is
// reachable only through TLS or the g register, and because reading into a
// runtime object with pointer arithmetic in Go would trip checkptr under
// -race.
func goidFast() uint64

// readGWord returns the 8-byte word at offset off of the current g. It is
// used only to discover and verify goidOffset.
func readGWord(off uintptr) uint64
