//go:build !gc || !(amd64 || arm64 || riscv64 || loong64 || ppc64 || ppc64le)

package ctxvar

// haveGoidFast reports whether this build has the assembly fast path.
const haveGoidFast = false

// goidFast has no fast path to take in this build.
func goidFast() uint64 { return goidPortable() }

// self has no fast path to take in this build.
func self() (key, id uint64) { return selfPortable() }

// gWord and curG are never called without a fast path: keys are goroutine
// ids then, and a key's goroutine never changes.
func gWord(gp uint64, off uintptr) uint64 { return 0 }
func curG() uint64                        { return 0 }

// readGWord is never called without a fast path (selectGoidOffset checks
// haveGoidFast first); it exists so the verification code compiles, and
// returns a value that is never a goroutine id.
func readGWord(off uintptr) uint64 { return 0 }
