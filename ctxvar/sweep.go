package ctxvar

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// A goroutine started with a bare go statement that Sets a Var leaves a
// registered state behind when it exits: Go tells no one that a goroutine
// ended. The sweeper collects those states. It is driven by the garbage
// collector: while bare states exist, a cleanup attached to a sentinel
// object runs once per GC cycle and decides whether to sweep.
//
// With g keys (the fast path), a sweep walks the registry concurrently with
// everything else and removes each bare state whose goroutine has exited
// (goroutineGone: its g reads _Gdead, or runs a later goroutine). It stops
// nothing, reads a couple of words of the g per state, and runs once per GC
// cycle while bare states exist, so a state is collected within two GC cycles
// of its goroutine's exit. Where the g's status cannot be read, a state
// waits for its g's reuse; a g keeps at most one state (the registry holds
// one value per g), so what waits is bounded by the peak number of
// goroutines, beside the g and stack that the runtime itself keeps for it.
//
// With id keys (the portable path), a sweep lists the live goroutines with
// runtime.Stack, which stops the world in proportion to the number of
// goroutines, and removes the bare states of goroutines not in the list.
// Goroutine ids are never reused, so an id missing from the list belongs to a
// goroutine that is gone for good. Such a sweep runs when at least
// max(sweepFloor, the number left by the last sweep, live goroutines/8) bare
// states were registered since the last sweep, so its cost is paid for by
// that many registrations and memory stays within a constant factor of the
// peak of live bare goroutines; and, so that a few states of exited
// goroutines do not wait for registrations that may never come, once the
// sweep interval has passed since the last sweep with at least one
// registration in between (the interval doubles, up to maxSweepInterval,
// each time a sweep frees little).

const (
	sweepFloor       = 128
	minSweepInterval = 10 * time.Second
	maxSweepInterval = 10 * time.Minute
)

var (
	// sweepGen increases at the start of every sweep with id keys. A bare
	// state records it at registration; such a sweep only collects states
	// registered before it began, whose goroutines were therefore alive, or
	// already gone, when it listed the live ones.
	sweepGen atomic.Uint32

	hookArmed atomic.Bool // a GC cleanup is pending
	sweeping  atomic.Bool // a sweep is running

	policyMu sync.Mutex
	policy   = sweepPolicy{interval: minSweepInterval}
)

// sweepPolicy decides when to sweep. It is plain data so that tests can drive it.
type sweepPolicy struct {
	last     time.Time     // end of the last sweep
	left     int64         // bare states the last sweep left
	regs     uint64        // bareRegistrations when the last sweep began
	interval time.Duration // sweep after this long even with few registrations
}

// due reports whether to sweep, given the count of bare registrations so far
// and the number of live goroutines.
func (p *sweepPolicy) due(now time.Time, regs uint64, goroutines int) bool {
	fresh := int64(regs - p.regs)
	if fresh <= 0 {
		return false
	}
	need := max(int64(sweepFloor), p.left, int64(goroutines/8))
	return fresh >= need || now.Sub(p.last) >= p.interval
}

// record notes a sweep that began when bareRegistrations was regs and there
// were before bare states, and freed of them.
func (p *sweepPolicy) record(now time.Time, regs uint64, before, freed int64) {
	p.last, p.left, p.regs = now, before-freed, regs
	if freed*4 < before {
		p.interval = min(2*p.interval, maxSweepInterval)
	} else {
		p.interval = minSweepInterval
	}
}

// armGCHook makes sure that onGC runs at the next GC cycle. It is called
// when a bare state is registered and when the registry's table grows.
func armGCHook() {
	if !hookArmed.Load() && hookArmed.CompareAndSwap(false, true) {
		addGCCleanup()
	}
}

type gcSentinel struct{ _ *int }

// addGCCleanup attaches onGC to an object that is garbage at once, so that it
// runs after the next GC cycle.
func addGCCleanup() {
	runtime.AddCleanup(&gcSentinel{}, onGC, 0)
}

// hookNeeded reports whether onGC has work: bare states to consider sweeping,
// or a registry table to consider shrinking.
func hookNeeded() bool { return bareStates() > 0 || reg.sparse() }

// onGC runs once per GC cycle while hookNeeded.
func onGC(int) {
	if !hookNeeded() {
		hookArmed.Store(false)
		// Whoever made the hook needed between the check and the store saw
		// it armed; arm it for them.
		if !hookNeeded() || !hookArmed.CompareAndSwap(false, true) {
			return
		}
	}
	addGCCleanup()
	due := gKeys()
	if !due {
		reg.shrinkIfSparse(reg.table.Load(), reg.len())
		policyMu.Lock()
		due = policy.due(time.Now(), bareRegistrations.Load(), runtime.NumGoroutine())
		policyMu.Unlock()
	}
	if due && sweeping.CompareAndSwap(false, true) {
		// Not on the cleanup goroutine, which runs every cleanup of the
		// program one after another.
		go func() {
			defer sweeping.Store(false)
			sweep()
		}()
	} else if gKeys() && reg.sparse() {
		// sweepReused would have shrunk the table.
		t := reg.table.Load()
		reg.shrinkIfSparse(t, t.live())
	}
}

// sweep removes the states of bare goroutines that have exited, and returns
// how many it removed.
func sweep() int {
	if gKeys() {
		return sweepReused()
	}
	return sweepStacks()
}

// sweepReused is sweep with g keys: a walk of the registry that removes the
// bare states of goroutines that have exited, and shrinks the table if it has
// become sparse.
func sweepReused() int {
	t := reg.table.Load()
	freed, live := 0, 0
	for i := range t.slots {
		s := &t.slots[i]
		key := s.key.Load()
		if key == emptyKey || key == closedKey {
			continue
		}
		p := s.load()
		if p == nil || p == moved {
			continue
		}
		if !isSnapshot(p) {
			gs := (*gstate)(p)
			// A failed compare-and-swap means the g's new goroutine
			// replaced the state, or a migration moved it: either way it
			// is no longer this sweep's.
			if gs.kind == kindBare && goroutineGone(key, gs.goid) && s.cas(p, nil) {
				bareReleases.Add(1)
				freed++
				continue
			}
		}
		live++
	}
	reg.shrinkIfSparse(t, live)
	return freed
}

// sweepStacks is sweep with id keys.
func sweepStacks() int {
	gen := sweepGen.Add(1)
	regs := bareRegistrations.Load()
	before := bareStates()
	live := liveGoroutines()
	freed := 0
	reg.each(func(id uint64, s *rslot, p unsafe.Pointer) {
		if isSnapshot(p) {
			return
		}
		gs := (*gstate)(p)
		if gs.kind == kindBare && int32(gs.gen-gen) < 0 { // registered before this sweep
			if _, ok := live[id]; !ok && s.cas(p, nil) {
				bareReleases.Add(1)
				freed++
			}
		}
	})
	policyMu.Lock()
	policy.record(time.Now(), regs, before, int64(freed))
	policyMu.Unlock()
	return freed
}

// liveGoroutines returns the ids of all goroutines that exist, as listed by
// runtime.Stack.
func liveGoroutines() map[uint64]struct{} {
	buf := make([]byte, 64<<10+runtime.NumGoroutine()*1024)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return parseGoroutineIDs(buf)
}

// parseGoroutineIDs returns the ids in the "goroutine N [...]" (or
// "goroutine N gp=...") header lines of a runtime.Stack dump.
func parseGoroutineIDs(dump []byte) map[uint64]struct{} {
	ids := make(map[uint64]struct{}, bytes.Count(dump, []byte("\n\n"))+1)
	for len(dump) > 0 {
		line := dump
		if i := bytes.IndexByte(dump, '\n'); i >= 0 {
			line, dump = dump[:i], dump[i+1:]
		} else {
			dump = nil
		}
		if id, ok := parseGoroutineHeader(line); ok {
			ids[id] = struct{}{}
		}
	}
	return ids
}
