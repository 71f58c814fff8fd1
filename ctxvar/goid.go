package ctxvar

import (
	"errors"
	"fmt"
	"math/bits"
	"os"
	"sync"
)

// Goroutine identity.
//
// Per-goroutine state is keyed by the goroutine id (goid), the number the
// runtime prints in "goroutine 123 [running]:". Ids are never reused, unlike
// the runtime's g structs, which are recycled when goroutines exit. The
// package only ever reads the id: it uses no go:linkname and stores nothing
// in the g or in pprof labels.
//
// There are two ways to read it:
//
//   - portable: parse the header of runtime.Stack (goidPortable). Always
//     correct, about a microsecond.
//   - fast: a few instructions of assembly that load the current g from TLS
//     (amd64) or the g register (arm64) and read the word at goidOffset.
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
// The offset is accepted only if, in each of n new goroutines and in the
// caller, exactly one offset in [0, maxProbeOffset] matches the portable id,
// it is the same offset everywhere, and it is not 0. The goroutines are kept
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
	want := probes[0].matches
	for _, p := range probes {
		if seen[p.id] {
			return 0, fmt.Errorf("goroutine id %d seen twice while probing", p.id)
		}
		seen[p.id] = true
		if p.matches == 0 {
			return 0, fmt.Errorf("goroutine %d: no offset matches", p.id)
		}
		if p.matches&(p.matches-1) != 0 {
			return 0, fmt.Errorf("goroutine %d: several offsets match (mask %#x)", p.id, p.matches)
		}
		if p.matches != want {
			return 0, fmt.Errorf("goroutine %d: matching offset differs between goroutines (masks %#x, %#x)", p.id, want, p.matches)
		}
	}
	off := uintptr(8 * bits.TrailingZeros64(want))
	if off == 0 {
		return 0, errors.New("goid matches at offset 0, which cannot be used")
	}
	return off, nil
}
