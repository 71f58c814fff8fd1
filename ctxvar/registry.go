package ctxvar

import (
	"math"
	"sync"
	"sync/atomic"
)

// The registry maps goroutine ids to what the package knows of them. It is
// the only per-goroutine storage the package has: nothing is kept in the
// runtime's goroutine structure (which the runtime reuses) or in pprof labels.
//
// Goroutine ids are never reused within a process, so a stale entry can cost
// memory but never hand one goroutine's Context to another.
//
// The table is open-addressed: an array of slots, probed linearly from the
// id's home. The runtime hands out goroutine ids in runs (a batch per P), so
// the home keeps runs of 16 consecutive ids in consecutive slots, where a new
// goroutine's slot tends to share a cache line with its predecessor's, and
// spreads the runs over the table by Fibonacci hashing, so that no stride of
// ids piles up. A slot holds a goroutine id, the goroutine's state,
// and, for a goroutine started by Spawn that has only read its Context so
// far, the snapshot it inherited: such a goroutine gets a gstate only when it
// first calls Set, Run or Copy, so starting one costs a slot and no
// allocation.
//
// A goroutine only ever looks up its own id, and only that goroutine (or the
// sweeper, once it has died) claims, writes or frees that id's slot, so
// reads need no lock and never race with a write to the slot they find:
//   - claim: compare-and-swap a free slot's id from empty or freed to the
//     goroutine's id, then store the state and snapshot;
//   - free: clear the pointers (for the garbage collector) and mark the id
//     freed. A freed slot is reused by later claims; a lookup walks past it.
//     Only an empty slot ends a lookup, so the table is rebuilt when freed
//     slots accumulate.
//
// Rebuilding (to grow, shrink, or drop freed slots) freezes the old table,
// copies its live slots into a fresh one, and publishes it; readers of the
// old table still find their own slot, since they are its only writers. A
// write checks the freeze after it is done: if the table froze meanwhile,
// the copy may or may not have seen the write, so the writer waits for the
// new table and repeats the write there, which is idempotent.

const (
	minSlotsLog = 10
	minSlots    = 1 << minSlotsLog

	emptySlot = 0              // never claimed: ends a probe
	freedSlot = math.MaxUint64 // claimed, then freed: probes walk past it

	// maxProbe bounds how far a claim walks before it asks for a rebuild.
	maxProbe = 32

	// A rebuild sizes the table so that live slots fill at most a quarter of
	// it; the GC hook shrinks it when they fill less than a sixteenth.
	loadDenominator   = 4
	shrinkDenominator = 16
	// Claims of empty slots are counted one in claimSample (by goroutine id,
	// which is evenly spread), to keep a shared counter off the claim path;
	// the table is rebuilt once about half its slots have been claimed.
	claimSample = 8
)

// A gslot is 32 bytes, so two share a cache line and a probe usually stays
// within one.
type gslot struct {
	goid atomic.Uint64
	gs   atomicPtr[gstate]
	// data is the Context of a Spawned goroutine that has no gstate yet.
	data atomicPtr[pmap]
	_    uint64
}

type gtable struct {
	slots  []gslot
	mask   uint64
	shift  uint // 64 - log2(len(slots))
	frozen atomic.Bool
	// Every lookup reads the fields above; keep claimed's writes off their
	// cache line.
	_ [64]byte
	// claimed counts sampled claims of empty slots; see claimSample.
	claimed atomic.Int64
}

type registry struct {
	table    atomic.Pointer[gtable]
	resizeMu sync.Mutex // held while the table is rebuilt
}

var reg = newRegistry()

func newRegistry() *registry {
	r := new(registry)
	r.table.Store(newTable(minSlotsLog))
	return r
}

func newTable(log2 uint) *gtable {
	n := uint64(1) << log2
	return &gtable{slots: make([]gslot, n), mask: n - 1, shift: 64 - log2}
}

// home is where the probe for id starts.
func (t *gtable) home(id uint64) uint64 {
	return (id + ((id>>4)*0x9e3779b97f4a7c15)>>t.shift) & t.mask
}

// find returns goroutine id's slot in t, or nil.
func (t *gtable) find(id uint64) *gslot {
	i := t.home(id)
	for range len(t.slots) {
		s := &t.slots[i]
		switch s.goid.Load() {
		case id:
			return s
		case emptySlot:
			return nil
		}
		i = (i + 1) & t.mask
	}
	return nil
}

// find returns the calling goroutine's slot, or nil; id is its id.
func (r *registry) find(id uint64) *gslot { return r.table.Load().find(id) }

// lookup returns the state registered for goroutine id, or nil: also nil for
// a Spawned goroutine that has only its inherited snapshot.
func (r *registry) lookup(id uint64) *gstate {
	if s := r.find(id); s != nil {
		return s.gs.Load()
	}
	return nil
}

// waitResize returns once the rebuild that froze a table is done.
func (r *registry) waitResize() {
	r.resizeMu.Lock()
	//lint:ignore SA2001 the empty critical section waits for the rebuild
	r.resizeMu.Unlock()
}

// stable returns the current table, waiting out a rebuild in progress.
func (r *registry) stable() *gtable {
	t := r.table.Load()
	for t.frozen.Load() {
		r.waitResize()
		t = r.table.Load()
	}
	return t
}

// insert registers goroutine id, which must not be registered, with state gs
// and inherited snapshot data (either may be nil).
func (r *registry) insert(id uint64, gs *gstate, data *pmap) {
	for {
		t := r.stable()
		s, crowded := t.claim(id)
		if s == nil {
			// Every slot on the way is live: only a bigger table helps.
			r.rebuild(t, 1)
			continue
		}
		// A claimed slot's pointers are nil (remove and rebuild leave them
		// so): an atomic store is a locked instruction, so skip the nil ones.
		if data != nil {
			s.data.Store(data)
		}
		if gs != nil {
			s.gs.Store(gs)
		}
		if t.frozen.Load() {
			// The rebuild may have copied the slot before the stores.
			r.waitResize()
			r.store(id, gs, data)
			return
		}
		if crowded {
			r.rebuild(t, 0)
		}
		return
	}
}

// claim takes a free slot for id, or returns nil if maxProbe slots in a row
// are live. crowded reports that the table should be rebuilt: the probe was
// long, or about half the slots have been claimed since the last rebuild.
func (t *gtable) claim(id uint64) (s *gslot, crowded bool) {
	i := t.home(id)
	for probe := 0; probe < maxProbe; {
		s := &t.slots[i]
		switch s.goid.Load() {
		case emptySlot:
			if !s.goid.CompareAndSwap(emptySlot, id) {
				continue // lost the race; look at the slot again
			}
			// Sampled by position, which the hash spreads evenly.
			if i%claimSample == 0 && t.claimed.Add(1)*claimSample*2 > int64(len(t.slots)) {
				crowded = true
			}
			return s, crowded || probe >= maxProbe/2
		case freedSlot:
			if !s.goid.CompareAndSwap(freedSlot, id) {
				continue
			}
			return s, probe >= maxProbe/2
		}
		i = (i + 1) & t.mask
		probe++
	}
	return nil, true
}

// store makes goroutine id's slot hold gs and data, claiming one if the
// current table has none: it repeats a write that a rebuild may have missed.
func (r *registry) store(id uint64, gs *gstate, data *pmap) {
	for {
		t := r.stable()
		s := t.find(id)
		if s == nil {
			r.insert(id, gs, data)
			return
		}
		s.data.Store(data)
		s.gs.Store(gs)
		if !t.frozen.Load() {
			return
		}
		r.waitResize()
	}
}

// setState gives goroutine id, registered in slot s of table t, the state
// gs, which replaces its inherited snapshot.
func (r *registry) setState(id uint64, t *gtable, s *gslot, gs *gstate) {
	s.gs.Store(gs)
	s.data.Store(nil)
	if t.frozen.Load() {
		// t was rebuilt, or is being rebuilt, without the state perhaps.
		r.waitResize()
		r.store(id, gs, nil)
	}
}

// remove unregisters goroutine id and returns its state, or nil if it had
// none.
func (r *registry) remove(id uint64) *gstate {
	var gs *gstate
	for {
		t := r.stable()
		s := t.find(id)
		if s == nil {
			return gs
		}
		if g := s.gs.Load(); g != nil {
			gs = g
			s.gs.Store(nil)
		}
		if s.data.Load() != nil {
			s.data.Store(nil)
		}
		s.goid.Store(freedSlot)
		if !t.frozen.Load() {
			return gs
		}
		// The rebuild may have copied the slot before it was freed.
		r.waitResize()
	}
}

// shrinkIfSparse rebuilds the table smaller if live slots fill less than a
// sixteenth of it, and at the same size if freed slots have piled up. It
// counts every slot, so it is called once per GC cycle, not per removal.
func (r *registry) shrinkIfSparse() {
	t := r.table.Load()
	live, used := 0, 0
	for i := range t.slots {
		switch t.slots[i].goid.Load() {
		case emptySlot:
		case freedSlot:
			used++
		default:
			live++
			used++
		}
	}
	if len(t.slots) > minSlots && live*shrinkDenominator < len(t.slots) || used*2 > len(t.slots) {
		r.rebuild(t, 0)
	}
}

// sparse reports whether the table is larger than its minimum, which is what
// makes it worth calling shrinkIfSparse.
func (r *registry) sparse() bool { return len(r.table.Load().slots) > minSlots }

// rebuild replaces t by a table sized for its live slots, at least 1<<grow
// times t's size, unless another goroutine already replaced t.
func (r *registry) rebuild(t *gtable, grow uint) {
	r.resizeMu.Lock()
	defer r.resizeMu.Unlock()
	if r.table.Load() != t {
		return
	}
	t.frozen.Store(true)
	live := 0
	for i := range t.slots {
		if g := t.slots[i].goid.Load(); g != emptySlot && g != freedSlot {
			live++
		}
	}
	log2 := uint(minSlotsLog)
	for 1<<log2 < live*loadDenominator {
		log2++
	}
	if min := 64 - t.shift + grow; grow > 0 && log2 < min {
		log2 = min
	}
	nt := newTable(log2)
	for i := range t.slots {
		s := &t.slots[i]
		id := s.goid.Load()
		if id == emptySlot || id == freedSlot {
			continue
		}
		j := nt.home(id)
		for nt.slots[j].goid.Load() != emptySlot {
			j = (j + 1) & nt.mask
		}
		// nt is published below; plain initialization suffices.
		ns := &nt.slots[j]
		ns.goid.Store(id)
		ns.gs.init(s.gs.Load())
		ns.data.init(s.data.Load())
	}
	r.table.Store(nt)
	if log2 > minSlotsLog {
		armGCHook()
	}
}

// each calls fn for every registered goroutine that has a state. It sees a
// consistent table but entries may be added or removed while it runs.
func (r *registry) each(fn func(id uint64, gs *gstate)) {
	t := r.table.Load()
	for i := range t.slots {
		s := &t.slots[i]
		id := s.goid.Load()
		if id == emptySlot || id == freedSlot {
			continue
		}
		if gs := s.gs.Load(); gs != nil {
			fn(id, gs)
		}
	}
}

// len is the number of registered goroutines. It walks the whole table.
func (r *registry) len() int {
	t := r.table.Load()
	n := 0
	for i := range t.slots {
		if id := t.slots[i].goid.Load(); id != emptySlot && id != freedSlot {
			n++
		}
	}
	return n
}
