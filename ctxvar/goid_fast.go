//go:build gc && (amd64 || arm64 || riscv64 || loong64 || ppc64 || ppc64le)

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

// self returns the calling goroutine's registry key and id: with the fast
// path, the address of its g and the word at goidOffset in it; without it,
// selfPortable's answer.
func self() (key, id uint64)

// gWord returns the 8-byte word at offset off of the g at address gp. gp
// must be the address of a g (a registry key taken with the fast path
// enabled); the runtime never frees a g, so its words stay readable after
// its goroutine exits.
func gWord(gp uint64, off uintptr) uint64

// curG returns the address of the current g. It is used only to verify
// gStatusOffset.
func curG() uint64

// readGWord returns the 8-byte word at offset off of the current g. It is
// used only to discover and verify goidOffset.
func readGWord(off uintptr) uint64
