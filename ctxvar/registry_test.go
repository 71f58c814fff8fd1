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
