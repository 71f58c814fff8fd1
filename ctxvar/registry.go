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
// so a reader never races with a writer of its own entry. Writers lock one
// bucket with a spin lock held for a few instructions. Growing or shrinking the
// table freezes the old table, copies its chains into fresh nodes and publishes
// the new table; readers of the old one still find every entry, since a frozen
// table is never modified again.

const minBuckets = 1 << 10

type gnode struct {
	goid uint64
	gs   *gstate
	next atomicPtr[gnode]
}

type gbucket struct {
	head atomicPtr[gnode]
	lock atomic.Uint32
}

type gtable struct {
	buckets []gbucket
	mask    uint64
	frozen  atomic.Bool
}

type registry struct {
	table atomic.Pointer[gtable]
	// counts shards the number of entries by bucket, so that goroutines
	// registering on different cores do not contend on one counter.
	counts   [countShards]paddedCount
	resizeMu sync.Mutex // held while the table is rebuilt
}

const countShards = 16

type paddedCount struct {
	n atomic.Int64
	_ [56]byte // a cache line each
}

// add adjusts the count of id's shard and returns an estimate of the total:
// the shard's count times the number of shards, exact enough to decide when
// to resize, since ids spread evenly over the shards.
func (r *registry) add(id uint64, delta int64) int64 {
	return r.counts[id%countShards].n.Add(delta) * countShards
}

var reg = newRegistry()

func newRegistry() *registry {
	r := new(registry)
	r.table.Store(newTable(minBuckets))
	return r
}

func newTable(n int) *gtable {
	return &gtable{buckets: make([]gbucket, n), mask: uint64(n - 1)}
}

// lookup returns the state registered for goroutine id, or nil.
func (r *registry) lookup(id uint64) *gstate {
	t := r.table.Load()
	for n := t.buckets[id&t.mask].head.Load(); n != nil; n = n.next.Load() {
		if n.goid == id {
			return n.gs
		}
	}
	return nil
}

// lockBucket locks the bucket for id in the current table and returns both.
// A table that is being rebuilt is waited out and the new one used instead.
func (r *registry) lockBucket(id uint64) (*gtable, *gbucket) {
	for {
		t := r.table.Load()
		b := &t.buckets[id&t.mask]
		if b.tryLock(t) {
			return t, b
		}
		// The table was frozen for a rebuild: wait for it to finish.
		r.resizeMu.Lock()
		r.resizeMu.Unlock() //nolint:staticcheck // empty critical section waits for the rebuild
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

func (b *gbucket) unlock() { b.lock.Store(0) }

// insert registers gs for goroutine id, which must not be registered. node is
// the chain link to use; callers embed it in gs to save an allocation.
func (r *registry) insert(id uint64, gs *gstate, node *gnode) {
	node.goid, node.gs = id, gs
	t, b := r.lockBucket(id)
	node.next.init(b.head.Load())
	b.head.Store(node)
	b.unlock()
	if r.add(id, 1) > int64(len(t.buckets)) {
		r.resize(t)
	}
}

// remove unregisters goroutine id and returns its state, or nil if it had none.
func (r *registry) remove(id uint64) *gstate {
	t, b := r.lockBucket(id)
	var prev *gnode
	n := b.head.Load()
	for n != nil && n.goid != id {
		prev, n = n, n.next.Load()
	}
	if n == nil {
		b.unlock()
		return nil
	}
	// Readers standing on n still follow n.next, so unlinking is safe.
	if prev == nil {
		b.head.Store(n.next.Load())
	} else {
		prev.next.Store(n.next.Load())
	}
	b.unlock()
	if r.add(id, -1) < int64(len(t.buckets)/8) && len(t.buckets) > minBuckets {
		r.resize(t)
	}
	return n.gs
}

// resize rebuilds the table t with a size fitting the current count, unless
// another goroutine already replaced t.
func (r *registry) resize(t *gtable) {
	r.resizeMu.Lock()
	defer r.resizeMu.Unlock()
	if r.table.Load() != t {
		return
	}
	n := int64(r.len())
	size := minBuckets
	for int64(size) < n*2 {
		size *= 2
	}
	// The shard's estimate called for a rebuild; the exact count decides.
	if have := int64(len(t.buckets)); n <= have && (n*8 >= have || have == minBuckets) {
		return
	}
	t.frozen.Store(true)
	nt := newTable(size)
	for i := range t.buckets {
		b := &t.buckets[i]
		// Wait for a writer that locked b before the freeze; the lock stays
		// held, as the frozen table is never written again.
		for !b.lock.CompareAndSwap(0, 1) {
			runtime.Gosched()
		}
		for n := b.head.Load(); n != nil; n = n.next.Load() {
			nb := &nt.buckets[n.goid&nt.mask]
			c := &gnode{goid: n.goid, gs: n.gs}
			c.next.init(nb.head.Load())
			nb.head.init(c) // nt is published below
		}
	}
	r.table.Store(nt)
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

// len is the number of registered goroutines.
func (r *registry) len() int {
	var n int64
	for i := range r.counts {
		n += r.counts[i].n.Load()
	}
	return int(n)
}
