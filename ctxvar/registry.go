package ctxvar

import (
	"math"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The registry maps goroutines to what the package knows of them. It is the
// only per-goroutine storage the package has: nothing is kept in the
// runtime's goroutine structure or in pprof labels.
//
// A goroutine's key is the address of its g, the runtime's record of it, when
// the goroutine id fast path is enabled, and its goroutine id otherwise (see
// gKeys). The runtime never frees a g but hands it to later goroutines, so a
// g key outlives its goroutine: values carry the goroutine id they were made
// for, and a value of a goroutine that has exited is stale, told apart by
// looking at the g (goroutineGone). Goroutine ids are
// never reused, so with id keys nothing is ever stale.
//
// A value is one word:
//   - nil: the goroutine has nothing (its Context is empty);
//   - a *gstate: the goroutine's state;
//   - a *pmap with its lowest address bit set (snapshotVal): the Context a
//     goroutine started by Spawn inherited, for as long as it has only read
//     it, so that starting one costs no allocation. Spawn clears it when the
//     goroutine ends, so it is never stale;
//   - moved: the value is in the table's successor (see below).
//
// The table is open-addressed, probed linearly from a hash of the key. Keys are added to a table only by the goroutine they belong to,
// and a slot's value is written only by that goroutine, by the sweeper (which
// clears stale states with a compare-and-swap) and by a migration. So a
// lookup takes no lock, and no operation ever waits for another goroutine.
//
// Growing, shrinking, and dropping the keys whose values are nil all go
// through a migration to a new table, done by the goroutine that found the
// table crowded (or by the sweeper, to shrink), while every other goroutine
// carries on:
//   - the migrator publishes the new table as the old one's next;
//   - it then passes over every old slot once: an empty slot is closed (no
//     key can be added to it any more), and a live slot's value is copied to
//     the new table and then swapped for moved with a compare-and-swap, which
//     fails, and is retried, if the owner changed the value meanwhile;
//   - finally it publishes the new table as the registry's table.
//
// A reader that finds moved, a closed slot, or no slot while a migration is
// on follows next; an owner that finds its slot moved writes in the new
// table, where the migrator has already put the value. An owner that gives
// a nil value a new one while a migration is on moves its slot itself, and
// writes its value in the new table directly. The new table is sized for the
// keys counted before it was published; should keys claimed meanwhile fill
// it, the migration moves on to a bigger one (migrateInto). Only one
// migration runs at a time; the work of one is proportional to the table,
// paid for by the claims that filled it, and no goroutine waits for it.
//
// With id keys a goroutine retires its key when it has nothing left
// (deadKey): ids are never reused, so the key would only take room. A
// retired key does not end a probe, and a migration drops it.

const (
	minTableLog = 10

	emptyKey  = 0                  // never claimed: ends a probe
	closedKey = math.MaxUint64     // never claimed, closed by a migration
	deadKey   = math.MaxUint64 - 1 // retired by its goroutine (id keys only)

	// A table is migrated once about maxLoad of its slots have keys, to a
	// table that its keys fill to at most fill of maxLoad (so that a table
	// that filled up doubles, whatever the error of the sampled count of
	// its claims). Keys are never removed from a table, so there are no
	// tombstones to skip, and a lookup's probe is short even this full.
	maxLoadNum, maxLoadDen = 13, 16
	fillNum, fillDen       = 5, 8
	// A table is shrunk when live values fill less than 1/shrinkDen of it.
	shrinkDen = 16
	// Claims of empty slots are counted one in claimSample (by position,
	// which the hash spreads evenly), to keep a shared counter off the
	// claim path.
	claimSample = 8
)

// movedWord gives moved an address no gstate or pmap can have; it is a
// uint64 so that the address is even, unlike a tagged snapshot.
var movedWord uint64

// moved is the value of a slot whose value a migration has copied to the
// next table.
var moved = unsafe.Pointer(&movedWord)

// snapshotVal encodes m, a goroutine's inherited Context, as a value. The
// tagged pointer points into m's object, which keeps m alive.
func snapshotVal(m *pmap) unsafe.Pointer {
	if m == nil {
		m = emptySnapshot
	}
	return unsafe.Add(unsafe.Pointer(m), 1)
}

// isSnapshot reports whether the value p is a snapshot.
func isSnapshot(p unsafe.Pointer) bool { return uintptr(p)&1 != 0 }

// snapshotOf decodes a snapshot value.
func snapshotOf(p unsafe.Pointer) *pmap { return (*pmap)(unsafe.Add(p, -1)) }

// emptySnapshot is the map of an empty inherited snapshot: a goroutine
// whose registry value is its tag is in an empty Context of its own, one
// that its Sets do not outlive (a Spawn'd child of an empty Context, a bound
// call of one), where a nil value would make its Sets register it bare.
var emptySnapshot = new(pmap)

// snapshotData is the map of the inherited snapshot p, nil for an empty one.
func snapshotData(p unsafe.Pointer) *pmap {
	if m := snapshotOf(p); m != emptySnapshot {
		return m
	}
	return nil
}

// A rslot is 16 bytes, so four share a cache line.
type rslot struct {
	key atomic.Uint64
	val unsafe.Pointer // accessed atomically
}

func (s *rslot) load() unsafe.Pointer { return atomic.LoadPointer(&s.val) }

func (s *rslot) cas(old, new unsafe.Pointer) bool {
	return atomic.CompareAndSwapPointer(&s.val, old, new)
}

type table struct {
	slots []rslot
	mask  uint64
	shift uint // 64 - log2(len(slots))
	// next is the table this one is being migrated to, once a migration
	// has begun.
	next atomic.Pointer[table]
	// Every lookup reads the fields above; keep claimed's writes off their
	// cache line.
	_ [64]byte
	// claimed counts sampled claims of empty slots; see claimSample.
	claimed atomic.Int64
	// filled counts the claims made by goroutines while a migration
	// was filling the table; see claim.
	filled atomic.Int64
}

type registry struct {
	table     atomic.Pointer[table]
	migrating atomic.Bool // a migration is running
}

var reg = newRegistry()

func newRegistry() *registry {
	r := new(registry)
	r.table.Store(newTable(minTableLog))
	return r
}

func newTable(log2 uint) *table {
	n := uint64(1) << log2
	return &table{slots: make([]rslot, n), mask: n - 1, shift: 64 - log2}
}

// home is where the probe for key starts: the top bits of a mix of the key
// with two multiplications, so that no stride of keys (g addresses a size
// class apart, ids at a power of two) piles up, as it can with a single one.
func (t *table) home(key uint64) uint64 {
	h := key * 0xbf58476d1ce4e5b9
	h ^= h >> 31
	return (h * 0x94d049bb133111eb) >> t.shift
}

// find returns key's slot in t, or nil.
func (t *table) find(key uint64) *rslot {
	i := t.home(key)
	for range len(t.slots) {
		s := &t.slots[i]
		switch s.key.Load() {
		case key:
			return s
		case emptyKey, closedKey:
			return nil
		}
		// A retired key does not end the probe: keys after it may have
		// passed it when it was live.
		i = (i + 1) & t.mask
	}
	return nil
}

// loadHome is load when key sits in its home slot of the current table, as
// almost every key does, small enough to inline into the hot paths; ok is
// false when load must look further.
func (r *registry) loadHome(key uint64) (p unsafe.Pointer, ok bool) {
	t := r.table.Load()
	s := &t.slots[t.home(key)]
	if s.key.Load() == key {
		p = s.load()
		return p, p != moved
	}
	return nil, false
}

// load returns key's value: nil if it has none. Moves go to loadSlow.
func (r *registry) load(key uint64) unsafe.Pointer {
	if p, ok := r.loadHome(key); ok {
		return p
	}
	t := r.table.Load()
	if s := t.find(key); s != nil {
		if p := s.load(); p != moved {
			return p
		}
	} else if t.next.Load() == nil {
		return nil
	}
	return r.loadSlow(key, t)
}

// loadSlow is load for a key that t has moved, or may have, to its next.
func (r *registry) loadSlow(key uint64, t *table) unsafe.Pointer {
	for t = t.next.Load(); t != nil; t = t.next.Load() {
		if s := t.find(key); s != nil {
			if p := s.load(); p != moved {
				return p
			}
		}
	}
	return nil
}

// put makes val key's value and returns the value it replaced. Only key's
// goroutine may call it. forget, with id keys, also retires the key when
// val is nil: its goroutine is done with it, and a later put claims a new
// slot.
func (r *registry) put(key uint64, val unsafe.Pointer, forget bool) unsafe.Pointer {
	t := r.table.Load()
	selfMoved := false
	for t != nil {
		s := t.find(key)
		crowded := false
		if s == nil {
			if nt := t.next.Load(); nt != nil {
				t = nt
				continue
			}
			if val == nil {
				return nil
			}
			s, crowded = t.claim(key, r.table.Load() != t)
			if s == nil {
				// The table is closed or full: a migration has begun,
				// or must.
				t = r.successor(t)
				continue
			}
		}
		for {
			p := s.load()
			if p == moved {
				break
			}
			if p == nil && val != nil && t.next.Load() != nil {
				// A migration is passing: move the slot ourselves and
				// write in the next table, so that the migration has
				// nothing to carry for it.
				if s.cas(nil, moved) {
					selfMoved = true
					break
				}
				continue
			}
			if p == val || s.cas(p, val) {
				if val == nil && forget && t.next.Load() == nil {
					s.key.Store(deadKey)
				}
				if crowded {
					r.migrate(t, 0)
				}
				if selfMoved {
					// The slot moved held nil; whatever the next table
					// held came from an earlier move of that value.
					return nil
				}
				return p
			}
		}
		t = t.next.Load()
	}
	panic("ctxvar: registry lost a table") // unreachable: moved implies next
}

// putOwn is put for the common case, key's slot in the current table and no
// migration on, where it is one compare-and-swap. It returns the slot it
// wrote, or nil if it took put's way, and the value it replaced.
func (r *registry) putOwn(key uint64, val unsafe.Pointer) (s *rslot, old unsafe.Pointer) {
	t := r.table.Load()
	if s = t.find(key); s != nil && t.next.Load() == nil {
		if old = s.load(); old != moved && s.cas(old, val) {
			return s, old
		}
	}
	return nil, r.put(key, val, false)
}

// claim adds key, which t does not hold, to an empty slot of t. It returns
// nil if it met a closed slot (a migration is passing) or found no empty
// slot at all. crowded reports that t should be migrated.
//
// filling says that t is the next table of a migration that is still
// running. Goroutines then claim at most 3/8 of t, so that the values the
// migration brings (at most fill of maxLoad: about a half) always fit; a
// goroutine that finds that part taken waits for the migration to end.
func (t *table) claim(key uint64, filling bool) (s *rslot, crowded bool) {
	if filling && t.filled.Add(1)*8 > int64(len(t.slots))*3 {
		return nil, true
	}
	i := t.home(key)
	for range len(t.slots) {
		s := &t.slots[i]
		switch k := s.key.Load(); k {
		case emptyKey:
			if !s.key.CompareAndSwap(emptyKey, key) {
				continue // lost a race for the slot: look at it again
			}
			if i%claimSample == 0 {
				n := t.claimed.Add(1) * claimSample
				crowded = n*maxLoadDen >= int64(len(t.slots))*maxLoadNum
			}
			return s, crowded
		case closedKey:
			return nil, false
		case key:
			return s, false // cannot happen: only key's goroutine adds key
		}
		i = (i + 1) & t.mask
	}
	return nil, true
}

// successor returns the table to use after a claim in t failed: t's next,
// once a migration has published it. If t is the current table and full,
// that migration is this goroutine's to run; if t is the next table of a
// migration that is still running, the goroutine waits for it to end (see
// claim), then migrates t.
func (r *registry) successor(t *table) *table {
	for {
		if nt := t.next.Load(); nt != nil {
			return nt
		}
		r.migrate(t, 1) // does nothing unless t is current and no migration runs
		if t.next.Load() == nil {
			runtime.Gosched()
		}
	}
}

// migrate moves t's live values to a new table, at least 1<<grow times t's
// size, unless t is not the current table or a migration is already running
// (its next table will do). The new table is sized for t's keys, nil values
// and all: values can become non-nil again until the migration passes, and
// a migration must never find its new table full. Keys with nil values are
// not carried over.
func (r *registry) migrate(t *table, grow uint) {
	if r.table.Load() != t || t.next.Load() != nil || !r.migrating.CompareAndSwap(false, true) {
		return
	}
	defer r.migrating.Store(false)
	if r.table.Load() != t || t.next.Load() != nil {
		return
	}
	log2 := tableLogFor(t.keys())
	if min := 64 - t.shift + grow; grow > 0 && log2 < min {
		log2 = min
	}
	nt := r.migrateInto(t, newTable(log2))
	r.table.Store(nt)
	if len(nt.slots) > 1<<minTableLog {
		armGCHook() // to shrink the table again once it is sparse
	}
}

// migrateInto moves t's values to nt and returns the table that holds them
// in the end: nt, or a bigger one. The keys that goroutines claim in t between
// the count that sized nt and nt's publication are not counted; if they are
// so many that nt fills up, nt moves on, with what is left of t, to a table
// with room for every slot of both.
func (r *registry) migrateInto(t, nt *table) *table {
	t.next.Store(nt)
	for i := 0; i < len(t.slots); {
		if t.moveSlot(i, nt) {
			i++
			continue
		}
		bigger := newTable(max(64-nt.shift+1, tableLogFor(len(t.slots)+len(nt.slots))))
		nt.next.Store(bigger)
		for j := range nt.slots {
			if !nt.moveSlot(j, bigger) {
				panic("ctxvar: registry migration found a table with room for every key full")
			}
		}
		nt = bigger
	}
	return nt
}

// moveSlot closes t's slot i if it is empty, or moves its value to nt, the
// table t is migrating to. It reports false, having changed nothing, if nt has
// no room for the slot's key.
func (t *table) moveSlot(i int, nt *table) bool {
	s := &t.slots[i]
	var carried unsafe.Pointer // what nt holds from this slot
	for {
		key := s.key.Load()
		if key == emptyKey {
			if s.key.CompareAndSwap(emptyKey, closedKey) {
				return true
			}
			continue
		}
		if key == deadKey {
			return true
		}
		p := s.load()
		if p == moved {
			return true // the owner moved it (see put)
		}
		if p != carried {
			switch nt.carry(key, carried, p) {
			case carryFull:
				return false
			case carryOwned:
				return true // the owner moved it and wrote nt since
			}
			carried = p
		}
		if s.cas(p, moved) {
			return true
		}
	}
}

// What carry did.
const (
	carryDone  = iota // nt holds the value
	carryOwned        // the key's goroutine has written nt: the value is its
	carryFull         // nt has no room for the key
)

// carry replaces key's value old, which a migration put in t (nil: none yet),
// by p. It cannot once key's goroutine has written a value of its own, or if
// t has no room for key.
func (t *table) carry(key uint64, old, p unsafe.Pointer) int {
	s := t.find(key)
	if s == nil {
		if p == nil {
			return carryDone
		}
		if s, _ = t.claim(key, false); s == nil {
			return carryFull
		}
	}
	if !s.cas(old, p) {
		return carryOwned
	}
	return carryDone
}

// tableLogFor returns the log2 size of a table for n keys: they fill at most
// fill of maxLoad of it.
func tableLogFor(n int) uint {
	log2 := uint(minTableLog)
	for (int64(1)<<log2)*maxLoadNum*fillNum < int64(n)*maxLoadDen*fillDen {
		log2++
	}
	return log2
}

// keys counts t's keys that a migration may have to carry: all but retired
// ones.
func (t *table) keys() int {
	n := 0
	for i := range t.slots {
		if k := t.slots[i].key.Load(); k != emptyKey && k != closedKey && k != deadKey {
			n++
		}
	}
	return n
}

// live counts t's slots that hold a value of their own (not nil, not moved).
func (t *table) live() int {
	n := 0
	for i := range t.slots {
		if p := t.slots[i].load(); p != nil && p != moved {
			n++
		}
	}
	return n
}

// shrinkIfSparse migrates t to a smaller table if it is bigger than the
// minimum and live values fill less than 1/shrinkDen of it.
func (r *registry) shrinkIfSparse(t *table, live int) {
	if len(t.slots) > 1<<minTableLog && live*shrinkDen < len(t.slots) {
		// The first migration drops the keys with nil values, which it
		// must size the new table for; a second one shrinks it.
		r.migrate(t, 0)
		if nt := r.table.Load(); nt != t && len(nt.slots) > 1<<minTableLog && nt.keys()*shrinkDen < len(nt.slots) {
			r.migrate(nt, 0)
		}
	}
}

// sparse reports whether the table is bigger than the minimum, which is what
// makes it worth calling shrinkIfSparse.
func (r *registry) sparse() bool { return len(r.table.Load().slots) > 1<<minTableLog }

// each calls fn for every slot of the current table that holds a value of
// its own, with the slot. Values may change while it runs; a migration that
// is running may make it miss some.
func (r *registry) each(fn func(key uint64, s *rslot, p unsafe.Pointer)) {
	t := r.table.Load()
	for i := range t.slots {
		s := &t.slots[i]
		key := s.key.Load()
		if key == emptyKey || key == closedKey || key == deadKey {
			continue
		}
		if p := s.load(); p != nil && p != moved {
			fn(key, s, p)
		}
	}
}

// len is the number of goroutines with a value. It walks the whole table.
func (r *registry) len() int {
	n := 0
	r.each(func(uint64, *rslot, unsafe.Pointer) { n++ })
	return n
}
