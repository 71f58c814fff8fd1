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
// bucket with a spin lock held for a few instructions; the lock word also
// counts the bucket's entries, so registering touches one cache line and no
// shared counter. Ids are spread over the table by Fibonacci hashing, so that
// goroutines started one after another, which may run on different cores, do
// not write to the same cache line.
//
// The table doubles when an insert finds a chain of growChain entries, which
// with well-spread ids happens only when the table is nearly full, and halves
// (in the GC hook, see sweep.go) when it is less than an eighth full. Resizing
// freezes the old table, copies its chains into fresh nodes and publishes the
// new table; readers of the old one still find every entry, since a frozen
// table is never modified again.

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
	// word is the bucket's lock (bit 0) and its number of entries (the
	// other bits).
	word atomic.Uint32
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

// lockBucket locks the bucket for id in the current table and returns the
// table, the bucket and its entry count. A table that is being rebuilt is
// waited out and the new one used instead.
func (r *registry) lockBucket(id uint64) (*gtable, *gbucket, uint32) {
	for {
		t := r.table.Load()
		b := t.bucket(id)
		if n, ok := b.tryLock(t); ok {
			return t, b, n
		}
		// The table was frozen for a rebuild: wait for it to finish.
		r.resizeMu.Lock()
		//lint:ignore SA2001 the empty critical section waits for the rebuild
		r.resizeMu.Unlock()
	}
}

// tryLock spins for the bucket's lock and returns its entry count. It fails,
// holding nothing, once t is frozen: the caller must retry on the table that
// replaces t.
func (b *gbucket) tryLock(t *gtable) (uint32, bool) {
	for spins := 0; ; spins++ {
		if t.frozen.Load() {
			return 0, false
		}
		if w := b.word.Load(); w&1 == 0 && b.word.CompareAndSwap(w, w|1) {
			if t.frozen.Load() {
				b.word.Store(w)
				return 0, false
			}
			return w >> 1, true
		}
		if spins > 4 {
			runtime.Gosched()
		}
	}
}

// unlock releases the bucket, which now holds n entries.
func (b *gbucket) unlock(n uint32) { b.word.Store(n << 1) }

// insert registers gs for goroutine id, which must not be registered. node is
// the chain link to use; callers embed it in gs to save an allocation.
func (r *registry) insert(id uint64, gs *gstate, node *gnode) {
	node.goid, node.gs = id, gs
	t, b, n := r.lockBucket(id)
	node.next.init(b.head.Load())
	b.head.Store(node)
	b.unlock(n + 1)
	if n+1 >= growChain {
		r.resize(t, uint(64-t.shift)+1)
	}
}

// remove unregisters goroutine id and returns its state, or nil if it had none.
func (r *registry) remove(id uint64) *gstate {
	_, b, n := r.lockBucket(id)
	var prev *gnode
	node := b.head.Load()
	for node != nil && node.goid != id {
		prev, node = node, node.next.Load()
	}
	if node == nil {
		b.unlock(n)
		return nil
	}
	// Readers standing on node still follow node.next, so unlinking is safe.
	if prev == nil {
		b.head.Store(node.next.Load())
	} else {
		prev.next.Store(node.next.Load())
	}
	b.unlock(n - 1)
	return node.gs
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
		for {
			if w := b.word.Load(); w&1 == 0 && b.word.CompareAndSwap(w, w|1) {
				break
			}
			runtime.Gosched()
		}
		for n := b.head.Load(); n != nil; n = n.next.Load() {
			nb := nt.bucket(n.goid)
			c := &gnode{goid: n.goid, gs: n.gs}
			c.next.init(nb.head.Load())
			nb.head.init(c) // nt is published below
			nb.word.Store(nb.word.Load() + 2)
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

// len is the number of registered goroutines. It counts every bucket.
func (r *registry) len() int {
	t := r.table.Load()
	n := 0
	for i := range t.buckets {
		n += int(t.buckets[i].word.Load() >> 1)
	}
	return n
}
