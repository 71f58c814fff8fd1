package ctxvar

import (
	"sync"
	"testing"
	"unsafe"
)

func TestRegistryInsertLookupRemove(t *testing.T) {
	r := newRegistry()
	states := make(map[uint64]*gstate)
	for id := uint64(1); id <= 5000; id++ {
		gs := &gstate{}
		states[id] = gs
		r.insert(id, gs, &gs.node)
	}
	if got := len(r.table.Load().buckets); got*2 < 5000 {
		t.Fatalf("table has %d buckets for 5000 entries: it did not grow", got)
	}
	if r.len() != 5000 {
		t.Fatalf("len = %d, want 5000", r.len())
	}
	for id, gs := range states {
		if got := r.lookup(id); got != gs {
			t.Fatalf("lookup(%d) = %p, want %p", id, got, gs)
		}
	}
	if r.lookup(5001) != nil {
		t.Fatal("lookup of an absent id found a state")
	}
	for id, gs := range states {
		if got := r.remove(id); got != gs {
			t.Fatalf("remove(%d) = %p, want %p", id, got, gs)
		}
		if r.lookup(id) != nil {
			t.Fatalf("lookup(%d) after remove found a state", id)
		}
	}
	if r.remove(1) != nil {
		t.Fatal("second remove found a state")
	}
	if r.len() != 0 {
		t.Fatalf("len = %d after removing everything", r.len())
	}
	r.shrinkIfSparse()
	if got := len(r.table.Load().buckets); got != minBuckets {
		t.Fatalf("table has %d buckets when empty, want it shrunk to %d", got, minBuckets)
	}
}

// TestRegistryConcurrentResize has goroutines insert, look up and remove their
// own ids while others force the table to grow and shrink: no goroutine may
// ever miss its own entry or find one it removed.
func TestRegistryConcurrentResize(t *testing.T) {
	r := newRegistry()
	const workers, rounds, perRound = 8, 30, 400
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range rounds {
				base := uint64(w*rounds+round) * perRound * 2
				var mine []*gstate
				for i := range uint64(perRound) {
					gs := &gstate{}
					r.insert(base+i, gs, &gs.node)
					mine = append(mine, gs)
				}
				for i, gs := range mine {
					if r.lookup(base+uint64(i)) != gs {
						errs <- "lookup missed an entry during resizes"
						return
					}
				}
				for i := range mine {
					r.remove(base + uint64(i))
					if r.lookup(base+uint64(i)) != nil {
						errs <- "lookup found a removed entry"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if r.len() != 0 {
		t.Fatalf("len = %d after all workers removed their entries", r.len())
	}
}

// Spawn allocates one gstate per goroutine; a field more would move it to the
// next size class.
func TestGstateSize(t *testing.T) {
	if size := unsafe.Sizeof(gstate{}); size > 64 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Fatalf("gstate is %d bytes, want at most 64", size)
	}
}

// TestRegistrySharedBucket has goroutines whose ids share one bucket push and
// unlink neighbours in the same chain at once: lock-free pushes, lone
// removals and locked unlinks must never lose or resurrect an entry.
func TestRegistrySharedBucket(t *testing.T) {
	r := newRegistry()
	tb := r.table.Load()
	target := tb.bucket(1)
	var ids []uint64
	for id := uint64(1); len(ids) < 3; id++ { // growChain-1: no resize
		if tb.bucket(id) == target {
			ids = append(ids, id)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20000 {
				gs := &gstate{}
				r.insert(id, gs, &gs.node)
				if r.lookup(id) != gs {
					errs <- "own entry missing after insert"
					return
				}
				if r.remove(id) != gs || r.lookup(id) != nil {
					errs <- "remove did not take out the entry"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if n := r.len(); n != 0 {
		t.Fatalf("len = %d after every goroutine removed its entries", n)
	}
	if r.table.Load() != tb {
		t.Fatal("the table was resized: the test no longer shares one bucket")
	}
}
