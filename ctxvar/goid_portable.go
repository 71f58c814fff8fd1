package ctxvar

import (
	"runtime"
	"unsafe"
)

// goidPortable returns the current goroutine's id by parsing the header line
// of its own stack trace, "goroutine 123 [running]:". It works on every
// architecture and compiler because it uses only the documented runtime.Stack
// format, but it costs about a microsecond (the runtime walks to the system
// stack and formats the header). goid uses it as the fallback and to verify
// the fast path at start-up.
func goidPortable() uint64 {
	// "goroutine " + at most 20 digits + " [" fits easily in 64 bytes; the
	// runtime truncates whatever trace does not fit.
	var buf [64]byte
	n := runtime.Stack(noescapeBytes(buf[:]), false)
	id, ok := parseGoroutineHeader(buf[:n])
	if !ok {
		// Never guess: a wrong id would hand one goroutine another's state.
		panic("ctxvar: unexpected runtime.Stack header: " + string(buf[:n]))
	}
	return id
}

// parseGoroutineHeader extracts N from a stack trace beginning with
// "goroutine N [" (runtime.Stack forces traceback level 1, so the optional
// " gp=... m=..." part of crash dumps never appears, but any non-digit after
// the number is accepted as the terminator as long as it is a space).
func parseGoroutineHeader(b []byte) (uint64, bool) {
	const prefix = "goroutine "
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return 0, false
	}
	b = b[len(prefix):]
	var id uint64
	i := 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if id > (1<<64-1-d)/10 {
			return 0, false // overflow: not a goid
		}
		id = id*10 + d
	}
	// Require at least one digit and the following space; a number cut off
	// by the end of the buffer could be a prefix of the real id.
	if i == 0 || i >= len(b) || b[i] != ' ' {
		return 0, false
	}
	return id, true
}

// noescapeBytes hides b from escape analysis so that goidPortable's buffer
// can stay on the stack. runtime.Stack stores its argument in the g0 while
// it formats the trace, so the compiler conservatively assumes it leaks and
// would heap-allocate buf on every call. It does not really leak: the runtime
// drops the reference before Stack returns, and the goroutine's stack cannot
// move meanwhile because Stack runs on the system stack.
//
// The pointer is laundered through a uintptr variable read back as an
// unsafe.Pointer (rather than the runtime's uintptr^0 idiom) because checkptr,
// enabled by -race, rejects arithmetic that yields a stack pointer without
// an original pointer in the same expression. No function call and hence no
// stack move can happen between the two conversions.
//
//go:nosplit
func noescapeBytes(b []byte) []byte {
	x := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	p := *(*unsafe.Pointer)(unsafe.Pointer(&x))
	return unsafe.Slice((*byte)(p), len(b))
}
