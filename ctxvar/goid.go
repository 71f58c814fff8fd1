package ctxvar

import (
	"errors"
	"fmt"
	"math/bits"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Goroutine identity.
//
// Every goroutine has an id (goid), the number the runtime prints in
// "goroutine 123 [running]:", which is never reused, and a g, the runtime's
// record of it, which the runtime hands to a later goroutine once it exits
// but never frees. The package only ever reads them: it uses no go:linkname
// and stores nothing in the g or in pprof labels.
//
// There are two ways to read them:
//
//   - portable: parse the header of runtime.Stack (goidPortable). Always
//     correct, about a microsecond, and gives the id alone, which then keys
//     the registry too.
//   - fast: a few instructions of assembly that load the current g from TLS
//     (amd64) or the g register (arm64, riscv64, loong64, ppc64) and read
//     the word at goidOffset (self). The registry is keyed by the g's address
//     then.
//
// The offset of goid inside runtime.g is private to the runtime and changes
// between releases, so it is not hard-coded: init discovers it by comparing
// every candidate word of the g with the portable id in several goroutines,
// and enables the fast path only if exactly one offset matches in all of
// them. On any doubt, on other architectures and on other compilers, goid
// uses the portable method.

// goidEnv selects the method: "portable" forces the portable method; any
// other value (including "fast", "auto" and unset) lets init verify and
// enable the fast path where it can.
const goidEnv = "CTXVAR_GOID"

const (
	// maxProbeOffset is the largest offset of the g probed for the goid.
	// runtime.g is much larger than this, so every probed word lies inside
	// the g (and hence inside mapped memory).
	maxProbeOffset = 320
	// probeGoroutines is the number of goroutines, besides the caller, in
	// which the candidate offset must match.
	probeGoroutines = 16
)

// goidOffset is the verified offset of the goid in runtime.g, or 0 while the
// fast path is not (or cannot be) used. Offset 0 is never accepted (it would
// be the g's stack bound anyway), so 0 can mean "disabled". It is written
// once, by init, and read by the assembly in goid_amd64.s/goid_arm64.s.
// Code running before that write (other init work of this package) simply
// takes the portable path; either value of the aligned word yields the
// right id, so no synchronization is needed.
var goidOffset uintptr

// goidFastErr records why the fast path is disabled; nil when it is enabled.
var goidFastErr error

func init() {
	goidOffset, goidFastErr = selectGoidOffset(os.Getenv(goidEnv))
	if goidOffset != 0 {
		gStatusOffset, gStatusErr = findStatusOffset(goidOffset)
	}
}

// selectGoidOffset decides at start-up which method goid uses and returns
// the offset for the fast path (0 for portable) and, if portable, why.
func selectGoidOffset(env string) (uintptr, error) {
	if env == "portable" {
		return 0, errors.New(goidEnv + "=portable")
	}
	if !haveGoidFast {
		return 0, errors.New("no fast path for this architecture or compiler")
	}
	return findGoidOffset(readGWord, probeGoroutines)
}

// goid returns the current goroutine's id.
//
// It is small enough to inline, so a caller makes a single call straight
// into the assembly (no ABI wrapper: the compiler calls ABI0 assembly
// directly). There the only branch is on whether the fast path is enabled,
// which never changes after init and so is perfectly predicted; the
// disabled case tail-calls goidPortable.
func goid() uint64 {
	return goidFast()
}

// selfPortable is self without the fast path: the goroutine id serves as the
// registry key too. The assembly of self tail-calls it.
//
//lint:ignore U1000 called from assembly
func selfPortable() (key, id uint64) {
	id = goidPortable()
	return id, id
}

// Exited goroutines.
//
// With g keys, a state must be told stale once its goroutine has exited. The
// runtime marks a g whose goroutine has exited with the status _Gdead until
// it hands the g to a new goroutine, which gets a new id. So a goroutine is
// gone if its g holds another id, or holds its id with the status _Gdead.
// The status word sits just before the goid in runtime.g (atomicstatus and
// stackLock, two uint32s, then goid), and its meaning has not changed since
// Go 1.0, but neither is a promise: init verifies both, in goroutines that
// run and in goroutines that have exited, and on any doubt leaves
// gStatusOffset 0, and then a goroutine counts as gone only once its g
// holds another id, which is always right but comes later.

const (
	gRunning = 2      // the runtime's _Grunning
	gDead    = 6      // the runtime's _Gdead
	gScan    = 0x1000 // the runtime's _Gscan bit, set while the GC scans a g
)

// gStatusOffset is the verified offset of the 8-byte word of runtime.g whose
// first 32 bits are the g's status, or 0.
var gStatusOffset uintptr

// gStatusErr records why gStatusOffset is 0 with the fast path enabled.
var gStatusErr error

// goroutineGone reports whether goroutine id, which ran on the g at address
// gp, has exited. It needs the fast path (gKeys).
func goroutineGone(gp, id uint64) bool {
	if gWord(gp, goidOffset) != id {
		return true
	}
	return gStatusOffset != 0 && statusIn(gWord(gp, gStatusOffset)) == gDead
}

// statusIn returns the status from the 8-byte word that holds it first: its
// low half on a little-endian machine, its high half on a big-endian one.
func statusIn(w uint64) uint32 {
	if bigEndian {
		return uint32(w >> 32)
	}
	return uint32(w)
}

// bigEndian reports the machine's byte order.
var bigEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 0
}()

// findStatusOffset verifies that the status of a g is the first half of the
// word 8 bytes before its goid: _Grunning in running goroutines, _Gdead in
// exited ones that the runtime has not handed on.
func findStatusOffset(goidOff uintptr) (uintptr, error) {
	if goidOff < 8 {
		return 0, errors.New("no room for a status word before the goid")
	}
	off := goidOff - 8
	running := func() bool { return statusIn(gWord(curG(), off))&^gScan == gRunning }
	if !running() {
		return 0, fmt.Errorf("status word at offset %d reads %#x in a running goroutine", off, statusIn(gWord(curG(), off)))
	}
	type probe struct{ gp, id uint64 }
	probes := make([]probe, probeGoroutines/2)
	var notRunning atomic.Bool
	var wg sync.WaitGroup
	for i := range probes {
		wg.Go(func() {
			probes[i] = probe{curG(), gWord(curG(), goidOff)}
			if !running() {
				notRunning.Store(true)
			}
		})
	}
	wg.Wait()
	if notRunning.Load() {
		return 0, fmt.Errorf("status word at offset %d does not read _Grunning in every running goroutine", off)
	}
	// The goroutines have called Done; they exit a moment later.
	dead := 0
	for deadline := time.Now().Add(time.Second); ; runtime.Gosched() {
		pending := 0
		dead = 0
		for _, p := range probes {
			switch {
			case gWord(p.gp, goidOff) != p.id:
				// Handed to a new goroutine already: proves nothing.
			case statusIn(gWord(p.gp, off)) == gDead:
				dead++
			default:
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("status word at offset %d of %d exited goroutines never read _Gdead", off, pending)
		}
	}
	if dead == 0 {
		return 0, errors.New("every exited probe goroutine was reused before its status could be read")
	}
	return off, nil
}

// gKeys reports whether registry keys are g addresses (the fast path) rather
// than goroutine ids. The runtime reuses a g for later goroutines, so a key
// then outlives its goroutine, and a state must be checked against the
// goroutine id it was made for; goroutineGone tells whether that goroutine
// has exited.
// Fixed by init, before any goroutine can register.
func gKeys() bool { return goidOffset != 0 }

// goidMethod reports which method goid uses: "fast" or "portable".
func goidMethod() string {
	if goidOffset != 0 {
		return "fast"
	}
	return "portable"
}

// findGoidOffset returns the offset at which read, called in a goroutine,
// returns that goroutine's id. read(off) must return the 8-byte word at
// offset off of the calling goroutine's g; it is a parameter so tests can
// check that the verifier rejects bad readers.
//
// The offset is accepted only if exactly one offset in [0, maxProbeOffset]
// matches the portable id in each of n new goroutines and in the caller (a
// word of one goroutine may match its id by chance, as long as it is not the
// same word in all of them), and it is not 0. The goroutines are kept
// alive together so that they are distinct g structs with distinct ids: a
// word that merely correlates with the id (or a reader that ignores the g)
// cannot match in all of them.
func findGoidOffset(read func(off uintptr) uint64, n int) (uintptr, error) {
	const slots = maxProbeOffset/8 + 1
	type probe struct {
		id      uint64
		matches uint64 // bit i set: word at offset 8*i equals id
	}
	probeHere := func() probe {
		p := probe{id: goidPortable()}
		for i := range slots {
			if read(uintptr(8*i)) == p.id {
				p.matches |= 1 << i
			}
		}
		return p
	}

	probes := make([]probe, n+1)
	var probed, release sync.WaitGroup
	probed.Add(n)
	release.Add(1)
	var done sync.WaitGroup
	for i := range n {
		done.Go(func() {
			probes[i] = probeHere()
			probed.Done()
			release.Wait() // stay alive until every goroutine has probed
		})
	}
	probes[n] = probeHere()
	probed.Wait()
	release.Done()
	done.Wait()

	seen := make(map[uint64]bool, len(probes))
	want := ^uint64(0)
	for _, p := range probes {
		if seen[p.id] {
			return 0, fmt.Errorf("goroutine id %d seen twice while probing", p.id)
		}
		seen[p.id] = true
		if p.matches == 0 {
			return 0, fmt.Errorf("goroutine %d: no offset matches", p.id)
		}
		// Another word may equal the id of one goroutine by chance (a
		// small counter in goroutine 1, say); only the goid's offset
		// equals the id in every goroutine.
		want &= p.matches
	}
	switch {
	case want == 0:
		return 0, errors.New("no offset matches the id in every probe goroutine")
	case want&(want-1) != 0:
		return 0, fmt.Errorf("several offsets match the id in every probe goroutine (mask %#x)", want)
	}
	off := uintptr(8 * bits.TrailingZeros64(want))
	if off == 0 {
		return 0, errors.New("goid matches at offset 0, which cannot be used")
	}
	return off, nil
}
