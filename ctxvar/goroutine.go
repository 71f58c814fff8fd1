package ctxvar

import (
	"math"
	"sync"
	"sync/atomic"
	"unsafe"
)

// How a goroutine's state came to be registered, which decides who removes it.
const (
	// kindBare: a goroutine that no Spawn started called Set, or Run from
	// an empty Context. With g keys its state stays, for the goroutine's
	// next Set, until the sweeper finds the goroutine gone; with id keys
	// the Reset that empties its Context removes it, and the sweeper
	// collects what exited goroutines left.
	kindBare uint8 = iota
	// kindSpawn: the goroutine was started by Spawn, which removes the state
	// when the goroutine's function returns or panics.
	kindSpawn
	// kindRun: with id keys, the goroutine had no state when it called Run,
	// which removes the state when it returns or panics.
	kindRun
)

// gstate is what the package knows of one goroutine: the Context it is in.
// Only the goroutine itself reads or writes it, but for goid, kind and
// sweepGen, which are fixed before the state is registered, so the sweeper
// may read them. A goroutine started by Spawn gets one only when it first
// calls Set or Run; until then its registry value is its inherited snapshot.
type gstate struct {
	cur *Context // &base, or the Context of the innermost Run
	// batches holds Tokens and Contexts allocated ahead; nil until the
	// goroutine needs it.
	batches *batches
	// goid is the id of the goroutine the state belongs to: with g keys,
	// the state is stale once another goroutine runs on its g.
	goid uint64
	// gen is, for a kindBare state with id keys, the sweep generation
	// current when it was registered; for a kindSpawn state, its life:
	// how many times it has come back from spawnStates, which the Tokens
	// of its base record (Token.life). The sweeper reads it only in
	// kindBare states, which are never recycled.
	gen  uint32
	kind uint8
	// owned is set while base is current and its map is shared with no
	// snapshot, so Set and Reset may update the map in place instead of
	// copying it. No other goroutine can reach base; taking a snapshot
	// (snapshot) clears owned.
	owned bool
	// baseCap is the capacity of the slot array of base's map while owned.
	baseCap uint8
	// lastNew is the map the last Set that replaced base's map made, as
	// long as nothing has changed it in place since: a Reset of that Set
	// can restore the map before it by pointer (see Token.before).
	lastNew *pmap

	// Embedded so that a state and its Context are one allocation.
	base Context
	// first is the one-entry map of a bare goroutine's first Set, embedded
	// so that registering the goroutine is one allocation too. It is a map
	// like any other: once a snapshot shares it, it never changes.
	first pmapSized[[1]pmapSlot]
}

// setOwned records whether d, the map just made for the current Context,
// belongs to base alone, so that Set and Reset may update it in place. A HAMT
// shares nodes with other versions, and a Context entered by Run is
// reachable by others. A new map's array holds exactly its entries.
func (gs *gstate) setOwned(d *pmap) {
	gs.owned = gs.cur == &gs.base && gs.kind != kindRun && d != nil && d.bitmap == 0
	if gs.owned {
		gs.baseCap = uint8(d.n)
	}
}

// changedInPlace notes that d, base's map, was changed in place.
func (gs *gstate) changedInPlace(d *pmap) {
	if d == gs.lastNew {
		gs.lastNew = nil
	}
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
// those ever removed from the registry; the sweeper looks at their
// difference. Two counters, each written by one side, cost a registration and
// its release one atomic add each.
var bareRegistrations, bareReleases atomic.Uint64

// bareStates returns the number of registered states of kind kindBare: the
// ones the sweeper may have to collect. A registration is counted before its
// state is inserted and a release after its state is removed, so the count
// is never below the true one.
func bareStates() int64 {
	released := bareReleases.Load()
	return int64(bareRegistrations.Load() - released)
}

// stateIn decodes the registry value p of goroutine id: its state, or nil
// if it has none (or only a snapshot, or a stale state of an earlier
// goroutine on the same g).
func stateIn(p unsafe.Pointer, id uint64) *gstate {
	if p == nil || isSnapshot(p) {
		return nil
	}
	if gs := (*gstate)(p); gs.goid == id {
		return gs
	}
	return nil
}

// current returns the state of the calling goroutine, or nil if it has none,
// which means its Context is empty.
func current() *gstate {
	return stateOf(self())
}

// stateOf returns the state of the calling goroutine, whose key and id are
// given, or nil if it has none. A Spawned goroutine that has only its
// inherited snapshot gets a state holding it now.
func stateOf(key, id uint64) *gstate {
	p, ok := reg.loadHome(key)
	if !ok {
		p = reg.load(key)
	}
	if p != nil && isSnapshot(p) {
		gs := newSpawnState(id, snapshotData(p))
		reg.put(key, unsafe.Pointer(gs), false)
		return gs
	}
	return stateIn(p, id)
}

// currentData returns the calling goroutine's Context's mapping.
// The caller keeps the result as a snapshot, so the Context may no longer
// update that map in place.
func currentData() *pmap {
	key, id := self()
	p, ok := reg.loadHome(key)
	if !ok {
		p = reg.load(key)
	}
	if p != nil && isSnapshot(p) {
		// An inherited snapshot is shared already.
		return snapshotData(p)
	}
	if gs := stateIn(p, id); gs != nil {
		return gs.snapshot()
	}
	return nil
}

// lookupCurrent returns k's value in the calling goroutine's Context. It is
// the hot path of Get, GetOr and Lookup, kept apart from current so that the
// registry lookup inlines here and a read costs one call besides the
// goroutine id's.
func lookupCurrent(k *varCore) (any, bool) {
	key, id := self()
	p, ok := reg.loadHome(key)
	if !ok {
		p = reg.load(key)
	}
	if p == nil {
		return nil, false
	}
	if isSnapshot(p) {
		return snapshotOf(p).lookup(k)
	}
	if gs := (*gstate)(p); gs.goid == id {
		return gs.cur.data.Load().lookup(k)
	}
	return nil, false
}

// update sets k to v in the goroutine's current Context, or removes k if
// remove is set.
func (gs *gstate) update(k *varCore, v any, remove bool) {
	c := gs.cur
	d := c.data.Load()
	if gs.owned && c == &gs.base {
		if remove && d.removeInPlace(k) || !remove && d.setInPlace(k, v, int(gs.baseCap)) {
			gs.changedInPlace(d)
			return
		}
	}
	var nd *pmap
	if remove {
		if nd = d.remove(k); nd == d {
			return // k was absent: nothing changed, and d may be shared
		}
	} else {
		nd = d.set(k, v)
	}
	c.data.Store(nd)
	gs.setOwned(nd)
}

// newState returns a state of goroutine id whose Context starts as data.
func newState(kind uint8, id uint64, data *pmap) *gstate {
	gs := &gstate{kind: kind, goid: id}
	gs.base.data.init(data)
	gs.cur = &gs.base
	return gs
}

// spawnStates holds the states of goroutines whose state ended with a
// function (a Spawn'd goroutine's, a bound call's), for the next such
// function to take: a request served in a Context of its own then costs no
// state, and its Tokens come from the batches that earlier requests started.
// Only kindSpawn states enter it: the sweeper reads the kind of any state it
// finds in the registry, even one that its goroutine releases meanwhile, and
// collects only kindBare ones, so a state that comes back from the pool
// never changes its kind and never meets the sweeper's compare-and-swap.
var spawnStates sync.Pool

// newSpawnState returns a kindSpawn state of goroutine id whose Context
// starts as data, from spawnStates if it has one.
func newSpawnState(id uint64, data *pmap) *gstate {
	gs, _ := spawnStates.Get().(*gstate)
	if gs == nil {
		return newState(kindSpawn, id, data)
	}
	gs.goid = id
	gs.base.data.init(data)
	gs.cur = &gs.base
	return gs
}

// recycle puts p, a value that goroutine id has just removed from the
// registry, into spawnStates if it is a state that nothing else can use: its
// own kindSpawn state, back in its base Context. Its next life has a new
// number, and a Token of base from this life, reset or not, fails Reset's
// Context check in the next (Token.life); a state that has had all its
// lives is left to the garbage collector. The batches stay with the state:
// their used entries are never handed out again, and what a caller still
// holds of them stays valid.
func recycle(p unsafe.Pointer, id uint64) {
	if p == nil || isSnapshot(p) {
		return
	}
	gs := (*gstate)(p)
	if gs.kind != kindSpawn || gs.goid != id || gs.cur != &gs.base || gs.gen == math.MaxUint32 {
		return
	}
	gs.gen++
	gs.base.data.Store(nil)
	gs.base.pending = 0
	gs.cur, gs.goid = nil, 0
	gs.owned, gs.baseCap, gs.lastNew = false, 0, nil
	spawnStates.Put(gs)
}

// registerSet registers the calling goroutine, which has no state, as a bare
// goroutine whose Context holds k=v alone, as its first Set leaves it.
func registerSet(key, id uint64, k *varCore, v any) *gstate {
	gs := &gstate{kind: kindBare, goid: id, owned: true, baseCap: 1}
	m := gs.first.node()
	m.n = 1
	m.slots()[0] = pmapSlot{k, v}
	gs.base.data.init(m)
	gs.cur = &gs.base
	registerState(key, gs)
	return gs
}

// registerState makes gs, a new state, the calling goroutine's, replacing
// whatever its key held.
func registerState(key uint64, gs *gstate) {
	bare := gs.kind == kindBare
	if bare {
		gs.gen = sweepGen.Load()
		bareRegistrations.Add(1)
	}
	noteRemoved(reg.put(key, unsafe.Pointer(gs), false))
	if bare {
		armGCHook()
	}
}

// release removes the calling goroutine's value, if it has one. With id keys
// it also retires the key: a goroutine id is never reused.
func release(key uint64) {
	noteRemoved(reg.put(key, nil, !gKeys()))
}

// noteRemoved counts p, a value just removed from the registry, if it was a
// bare state: the goroutine's own, or a stale one of an earlier goroutine on
// the same g.
func noteRemoved(p unsafe.Pointer) {
	if p != nil && !isSnapshot(p) && (*gstate)(p).kind == kindBare {
		bareReleases.Add(1)
	}
}

// releaseIfIdle removes the state of a bare goroutine whose Context has
// become empty with no token outstanding, when keys are goroutine ids: such a
// state is indistinguishable from none, so a goroutine that sets and resets
// leaves nothing behind for the stop-the-world sweeper. With g keys the state
// stays for the goroutine's next Set; the sweeper finds it when the goroutine
// is gone, at no pause.
func (gs *gstate) releaseIfIdle(key uint64) {
	if !gKeys() && gs.kind == kindBare && gs.cur == &gs.base && gs.cur.pending == 0 && gs.cur.data.Load().len() == 0 {
		release(key)
	}
}
