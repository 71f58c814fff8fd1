package ctxvar

import "sync/atomic"

// How a goroutine's state came to be registered, which decides who removes it.
const (
	// kindBare: a goroutine started with a bare go statement called Set. Its
	// state is removed by the Reset that empties its Context, or by the
	// sweeper once the goroutine has exited.
	kindBare uint8 = iota
	// kindSpawn: the goroutine was started by Spawn, which removes the state
	// when the goroutine's function returns or panics.
	kindSpawn
	// kindRun: the goroutine had no state when it called Run, which removes
	// the state when it returns or panics.
	kindRun
)

// gstate is what the package knows of one goroutine: the Context it is in.
// Only the goroutine itself reads or writes it, but for kind and sweepGen,
// which are fixed before the state is registered, so the sweeper may read
// them. A goroutine started by Spawn gets one only when it first calls Set,
// Run or Copy; until then its registry slot holds its inherited snapshot.
type gstate struct {
	cur *Context // &base, or the Context of the innermost Run
	// spare holds Contexts allocated ahead for Copy; spareNext is the next
	// unused one.
	spare    *[contextBatch]Context
	sweepGen uint32 // sweep generation current when a bare state was registered
	kind     uint8
	// owned is set while base is current and its map is shared with no
	// snapshot, so Set and Reset may update the map in place instead of
	// copying it. No other goroutine can reach base; taking a snapshot
	// (snapshot) clears owned.
	owned     bool
	spareNext uint8

	// Embedded so that a state and its Context are one allocation.
	base Context
	// first is the one-entry map of a bare goroutine's first Set, embedded
	// so that registering the goroutine is one allocation too. It is a map
	// like any other: once a snapshot shares it, it never changes.
	first pmapSized[[1]pmapSlot]
}

// contextBatch is how many Contexts Copy allocates at a time. Python keeps a
// free list of contexts; Go's allocator has none this cheap, so a goroutine
// that copies its Context often pays for one allocation in contextBatch. The
// price: a Context kept for long keeps its batch (contextBatch*16 bytes) alive.
const contextBatch = 8

// newContext returns a new Context holding data, from the goroutine's batch.
func (gs *gstate) newContext(data *pmap) *Context {
	if gs.spare == nil || gs.spareNext == contextBatch {
		gs.spare, gs.spareNext = new([contextBatch]Context), 0
	}
	c := &gs.spare[gs.spareNext]
	gs.spareNext++
	c.data.init(data)
	return c
}

// snapshot returns the map of the goroutine's current Context for keeping:
// the Context may no longer update that map in place.
func (gs *gstate) snapshot() *pmap {
	if gs.owned {
		gs.owned = false
	}
	if d := gs.cur.data.Load(); d.len() > 0 {
		return d
	}
	return nil
}

// bareRegistrations counts the bare states ever registered, and bareReleases
// those ever unregistered; the sweeper compares bareRegistrations with its
// value at the last sweep. Two counters, each written by one side, cost a
// registration and its release one atomic add each.
var bareRegistrations, bareReleases atomic.Uint64

// bareStates returns the number of registered states of kind kindBare: the
// ones the sweeper may have to collect. A registration is counted before its
// state is inserted and a release after its state is removed, so the count
// is never below the true one.
func bareStates() int64 {
	released := bareReleases.Load()
	return int64(bareRegistrations.Load() - released)
}

// current returns the state of the calling goroutine, or nil if it has none,
// which means its Context is empty.
func current() *gstate {
	return stateOf(goid())
}

// stateOf returns the state of goroutine id, the caller, or nil if it has
// none. A Spawned goroutine that has only its inherited snapshot gets a state
// holding it now.
func stateOf(id uint64) *gstate {
	t := reg.table.Load()
	s := t.find(id)
	if s == nil {
		return nil
	}
	if gs := s.gs.Load(); gs != nil {
		return gs
	}
	gs := newState(kindSpawn, s.data.Load())
	reg.setState(id, t, s, gs)
	return gs
}

// currentData returns the calling goroutine's Context's mapping.
// The caller keeps the result as a snapshot, so the Context may no longer
// update that map in place.
func currentData() *pmap {
	s := reg.find(goid())
	if s == nil {
		return nil
	}
	if gs := s.gs.Load(); gs != nil {
		return gs.snapshot()
	}
	// An inherited snapshot is shared already.
	return s.data.Load()
}

// lookupCurrent returns k's value in the calling goroutine's Context. It is
// the hot path of Get, GetOr and Lookup, kept apart from current so that the
// registry lookup inlines here and a read costs one call besides the
// goroutine id's.
func lookupCurrent(k *varCore) (any, bool) {
	s := reg.find(goid())
	if s == nil {
		return nil, false
	}
	if gs := s.gs.Load(); gs != nil {
		return gs.cur.data.Load().lookup(k)
	}
	return s.data.Load().lookup(k)
}

// update sets k to v in the goroutine's current Context, or removes k if
// remove is set.
func (gs *gstate) update(k *varCore, v any, remove bool) {
	c := gs.cur
	d := c.data.Load()
	if gs.owned && c == &gs.base {
		if remove && d.removeInPlace(k) || !remove && d.setInPlace(k, v) {
			return
		}
	}
	if remove {
		d = d.remove(k)
	} else {
		d = d.set(k, v)
	}
	c.data.Store(d)
	// A new flat map belongs to base alone; a HAMT shares nodes with other
	// versions, and a Context entered by Run is reachable by others.
	gs.owned = c == &gs.base && gs.kind != kindRun && d != nil && d.bitmap == 0
}

// newState returns a state whose Context starts as data.
func newState(kind uint8, data *pmap) *gstate {
	gs := &gstate{kind: kind}
	gs.base.data.init(data)
	gs.cur = &gs.base
	return gs
}

// registerSet registers goroutine id, which has no registry slot, as a bare
// goroutine whose Context holds k=v alone, as its first Set leaves it.
func registerSet(id uint64, k *varCore, v any) *gstate {
	gs := &gstate{kind: kindBare, owned: true}
	m := gs.first.node()
	m.slots[0] = pmapSlot{k, v}
	m.n = 1
	gs.base.data.init(m)
	gs.cur = &gs.base
	return registerState(id, gs)
}

// register gives goroutine id, which has no registry slot, a state whose
// Context starts as data.
func register(id uint64, kind uint8, data *pmap) *gstate {
	return registerState(id, newState(kind, data))
}

// registerState registers gs, a new state, for goroutine id, which has no
// registry slot.
func registerState(id uint64, gs *gstate) *gstate {
	kind := gs.kind
	if kind == kindBare {
		gs.sweepGen = sweepGen.Load()
		bareRegistrations.Add(1)
	}
	reg.insert(id, gs, nil)
	if kind == kindBare {
		armGCHook()
	}
	return gs
}

// unregister removes goroutine id's state, if it has one.
func unregister(id uint64) {
	if gs := reg.remove(id); gs != nil && gs.kind == kindBare {
		bareReleases.Add(1)
	}
}

// releaseIfIdle removes the state of a bare goroutine whose Context has become
// empty with no token outstanding: such a state is indistinguishable from none,
// so a goroutine that sets and resets leaves nothing behind.
func (gs *gstate) releaseIfIdle(id uint64) {
	if gs.kind == kindBare && gs.cur == &gs.base && gs.cur.pending == 0 && gs.cur.data.Load().len() == 0 {
		unregister(id)
	}
}
