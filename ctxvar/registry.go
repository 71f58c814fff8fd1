package ctxvar

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The registry maps goroutine ids to goroutine states. It is the only
// per-goroutine storage the package has: nothing is kept in the runtime's
// goroutine structure (which the runtime reuses) or in pprof labels.
//
// Goroutine ids are never reused within a process, so a stale entry can cost
// memory but never hand one goroutine's Context to another.
//
// Reads are lock-free: a hash table of buckets, each a singly linked chain whose
// links are atomic pointers. A goroutine only ever looks up its own id, and only
// that goroutine (or the sweeper, once it has died) inserts or removes that id,
// so a reader never races with a writer of its own entry.
//
// Writes touch one bucket, whose cache line is the only shared memory that
// registering a goroutine writes:
//   - insert pushes at the head with a compare-and-swap, lock-free;
//   - remove of a node that is alone in its bucket swaps the head back to nil,
//     lock-free; that is the common case, as the table is kept sparse;
//   - any other remove takes the bucket's spin lock, which orders removers
//     among themselves (two removers unlinking neighbours would otherwise lose
//     one of the unlinks), and still swaps the head with a compare-and-swap
//     against concurrent pushes.
//
// Ids are spread over the table by Fibonacci hashing. The table doubles when an
// insert finds a chain of growChain entries, which with well-spread ids happens
// only when the table is nearly full, and shrinks (in the GC hook, see
// sweep.go) when it is less than an eighth full. Resizing freezes the old
// table, locks and copies each of its chains into fresh nodes, and publishes the
// new table; readers of the old one still find every entry, since a frozen
// table is never modified again. A lock-free write checks the freeze after its
// compare-and-swap: if the table froze meanwhile, the copy may or may not have
// seen the write, so the writer waits for the new table and makes sure its
// write holds there.

const (
	minBucketsLog = 10
	minBuckets    = 1 << minBucketsLog
	growChain     = 4
)

type gnode struct {
	goid uint64
	gs   *gstate
	next atomicPtr[gnode]
}

type gbucket struct {
	head atomicPtr[gnode]
	lock atomic.Uint32 // held by removers that cannot go lock-free, and by resize
}

type gtable struct {
	buckets []gbucket
	shift   uint // 64 - log2(len(buckets))
	frozen  atomic.Bool
}

type registry struct {
	table    atomic.Pointer[gtable]
	resizeMu sync.Mutex // held while the table is rebuilt
}

var reg = newRegistry()

func newRegistry() *registry {
	r := new(registry)
	r.table.Store(newTable(minBucketsLog))
	return r
}

func newTable(log2 uint) *gtable {
	return &gtable{buckets: make([]gbucket, 1<<log2), shift: 64 - log2}
}

// bucket returns the bucket of goroutine id.
func (t *gtable) bucket(id uint64) *gbucket {
	return &t.buckets[(id*0x9e3779b97f4a7c15)>>t.shift]
}

// lookup returns the state registered for goroutine id, or nil.
func (r *registry) lookup(id uint64) *gstate {
	for n := r.table.Load().bucket(id).head.Load(); n != nil; n = n.next.Load() {
		if n.goid == id {
			return n.gs
		}
	}
	return nil
}

// waitResize returns once the rebuild that froze a table is done.
func (r *registry) waitResize() {
	r.resizeMu.Lock()
	//lint:ignore SA2001 the empty critical section waits for the rebuild
	r.resizeMu.Unlock()
}

// insert registers gs for goroutine id, which must not be registered. node is
// the chain link to use; callers embed it in gs to save an allocation.
func (r *registry) insert(id uint64, gs *gstate, node *gnode) {
	node.goid, node.gs = id, gs
	t := r.table.Load()
	for t.frozen.Load() {
		r.waitResize()
		t = r.table.Load()
	}
	b := t.bucket(id)
	chain := 0
	for {
		h := b.head.Load()
		node.next.init(h)
		if b.head.CompareAndSwap(h, node) {
			for h != nil && chain < growChain {
				chain++
				h = h.next.Load()
			}
			break
		}
	}
	if t.frozen.Load() {
		// The rebuild may have copied the bucket before the push.
		r.waitResize()
		if r.lookup(id) == nil {
			r.insert(id, gs, &gnode{})
		}
		return
	}
	if chain+1 >= growChain {
		r.resize(t, uint(64-t.shift)+1)
	}
}

// remove unregisters goroutine id and returns its state, or nil if it had none.
func (r *registry) remove(id uint64) *gstate {
	t := r.table.Load()
	for t.frozen.Load() {
		r.waitResize()
		t = r.table.Load()
	}
	b := t.bucket(id)
	var gs *gstate
	if h := b.head.Load(); h != nil && h.goid == id && h.next.Load() == nil && b.head.CompareAndSwap(h, nil) {
		// Alone in the bucket: no remover can be unlinking a successor.
		gs = h.gs
	} else if !b.tryLock(t) {
		r.waitResize()
		return r.remove(id)
	} else {
		gs = b.unlinkLocked(id)
		b.lock.Store(0)
	}
	if t.frozen.Load() {
		// The rebuild may have copied the bucket before the removal.
		r.waitResize()
		if got := r.remove(id); gs == nil {
			gs = got
		}
	}
	return gs
}

// unlinkLocked removes id from the locked bucket and returns its state.
func (b *gbucket) unlinkLocked(id uint64) *gstate {
	for {
		var prev *gnode
		n := b.head.Load()
		for n != nil && n.goid != id {
			prev, n = n, n.next.Load()
		}
		switch {
		case n == nil:
			return nil
		case prev != nil:
			// Only lock holders change links past the head. Readers standing
			// on n still follow n.next, so unlinking is safe.
			prev.next.Store(n.next.Load())
			return n.gs
		case b.head.CompareAndSwap(n, n.next.Load()):
			return n.gs
		}
		// A push replaced the head: n has a predecessor now.
	}
}

// tryLock spins for the bucket's lock. It fails, holding nothing, once t is
// frozen: the caller must retry on the table that replaces t.
func (b *gbucket) tryLock(t *gtable) bool {
	for spins := 0; ; spins++ {
		if t.frozen.Load() {
			return false
		}
		if b.lock.CompareAndSwap(0, 1) {
			if t.frozen.Load() {
				b.lock.Store(0)
				return false
			}
			return true
		}
		if spins > 4 {
			runtime.Gosched()
		}
	}
}

// shrinkIfSparse halves the table, or more, if it is less than an eighth full.
// It counts every bucket, so it is called once per GC cycle, not per removal.
func (r *registry) shrinkIfSparse() {
	t := r.table.Load()
	size := len(t.buckets)
	if size == minBuckets {
		return
	}
	n := r.len()
	if n*8 >= size {
		return
	}
	log2 := uint(minBucketsLog)
	for 1<<log2 < 2*n {
		log2++
	}
	r.resize(t, log2)
}

// sparse reports whether the table is larger than its minimum, which is what
// makes it worth calling shrinkIfSparse.
func (r *registry) sparse() bool { return len(r.table.Load().buckets) > minBuckets }

// resize replaces the table t by one of 1<<log2 buckets, unless another
// goroutine already replaced t.
func (r *registry) resize(t *gtable, log2 uint) {
	r.resizeMu.Lock()
	defer r.resizeMu.Unlock()
	if r.table.Load() != t {
		return
	}
	t.frozen.Store(true)
	nt := newTable(log2)
	for i := range t.buckets {
		b := &t.buckets[i]
		// Wait for a writer that locked b before the freeze; the lock stays
		// held, as the frozen table is never written again.
		for !b.lock.CompareAndSwap(0, 1) {
			runtime.Gosched()
		}
		for n := b.head.Load(); n != nil; n = n.next.Load() {
			nb := nt.bucket(n.goid)
			c := &gnode{goid: n.goid, gs: n.gs}
			c.next.init(nb.head.Load())
			nb.head.init(c) // nt is published below
		}
	}
	r.table.Store(nt)
	if log2 > minBucketsLog {
		armGCHook()
	}
}

// each calls fn for every registered goroutine. It sees a consistent table
// but entries may be added or removed while it runs.
func (r *registry) each(fn func(id uint64, gs *gstate)) {
	t := r.table.Load()
	for i := range t.buckets {
		for n := t.buckets[i].head.Load(); n != nil; n = n.next.Load() {
			fn(n.goid, n.gs)
		}
	}
}

// len is the number of registered goroutines. It walks the whole table.
func (r *registry) len() int {
	n := 0
	r.each(func(uint64, *gstate) { n++ })
	return n
}
