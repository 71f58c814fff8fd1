package ctxvar

import (
	"fmt"
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
		r.insert(id, gs, nil)
	}
	if got := len(r.table.Load().slots); got < 2*5000 {
		t.Fatalf("table has %d slots for 5000 entries: it did not grow", got)
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
	if got := len(r.table.Load().slots); got != minSlots {
		t.Fatalf("table has %d slots when empty, want it shrunk to %d", got, minSlots)
	}
}

// A Spawned goroutine's slot holds its snapshot until it needs a state.
func TestRegistrySnapshotSlot(t *testing.T) {
	r := newRegistry()
	data := new(pmap)
	r.insert(7, nil, data)
	s := r.find(7)
	if s == nil || s.data.Load() != data || s.gs.Load() != nil {
		t.Fatal("the slot does not hold the snapshot alone")
	}
	gs := &gstate{}
	tb := r.table.Load()
	r.setState(7, tb, s, gs)
	if r.lookup(7) != gs || r.find(7).data.Load() != nil {
		t.Fatal("setState did not replace the snapshot by the state")
	}
	if r.remove(7) != gs || r.find(7) != nil {
		t.Fatal("remove did not free the slot")
	}
}

// Freed slots are reused and, once they pile up, dropped by a rebuild: a
// lookup of an absent id must stay short however much churn there was.
func TestRegistryChurnKeepsEmptySlots(t *testing.T) {
	r := newRegistry()
	for id := uint64(1); id <= 50*minSlots; id++ {
		r.insert(id, &gstate{}, nil)
		r.remove(id)
	}
	tb := r.table.Load()
	empty := 0
	for i := range tb.slots {
		if tb.slots[i].goid.Load() == emptySlot {
			empty++
		}
	}
	if empty*4 < len(tb.slots) {
		t.Fatalf("only %d of %d slots are empty after churn: absent lookups walk far", empty, len(tb.slots))
	}
	if len(tb.slots) != minSlots {
		t.Fatalf("table grew to %d slots with at most one live entry", len(tb.slots))
	}
}

// TestRegistryConcurrentResize has goroutines insert, look up and remove their
// own ids while others force the table to grow and shrink: no goroutine may
// ever miss its own entry or find one it removed.
func TestRegistryConcurrentResize(t *testing.T) {
	r := newRegistry()
	const workers, rounds, perRound = 8, 30, 400
	var wg sync.WaitGroup
	errs := make(chan string, workers+1)
	stop := make(chan struct{})
	var shrinker sync.WaitGroup
	shrinker.Add(1)
	go func() {
		defer shrinker.Done()
		for {
			select {
			case <-stop:
				return
			default:
				r.shrinkIfSparse()
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range rounds {
				base := uint64(w*rounds+round)*perRound*2 + 1 // goroutine ids start at 1
				var mine []*gstate
				for i := range uint64(perRound) {
					gs := &gstate{}
					if i%2 == 0 {
						r.insert(base+i, gs, nil)
					} else {
						// A Spawned goroutine: the state comes later.
						r.insert(base+i, nil, new(pmap))
						tb := r.table.Load()
						r.setState(base+i, tb, tb.find(base+i), gs)
					}
					mine = append(mine, gs)
				}
				for i, gs := range mine {
					if got := r.lookup(base + uint64(i)); got != gs {
						errs <- fmt.Sprintf("lookup(%d) missed its entry during resizes: got %p (slot %v), want %p (spawned: %v)",
							base+uint64(i), got, r.find(base+uint64(i)) != nil, gs, i%2 == 1)
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
	close(stop)
	shrinker.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if r.len() != 0 {
		t.Fatalf("len = %d after all workers removed their entries", r.len())
	}
}

// A goroutine that sets a Var allocates one gstate, which holds the
// one-entry map of a bare goroutine's first Set; keep it in the 96-byte
// size class.
func TestGstateSize(t *testing.T) {
	if size := unsafe.Sizeof(gstate{}); size > 96 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Fatalf("gstate is %d bytes, want at most 96", size)
	}
	if size := unsafe.Sizeof(gslot{}); size != 32 && unsafe.Sizeof(uintptr(0)) == 8 {
		t.Fatalf("gslot is %d bytes, want 32 (two to a cache line)", size)
	}
}

// TestRegistrySharedProbe has goroutines whose ids hash to one slot claim and
// free neighbouring slots at once: no claim may lose or resurrect an entry.
func TestRegistrySharedProbe(t *testing.T) {
	r := newRegistry()
	tb := r.table.Load()
	home := tb.home(1)
	var ids []uint64
	for id := uint64(1); len(ids) < 4; id++ {
		if tb.home(id) == home {
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
				r.insert(id, gs, nil)
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
}

// Goroutine ids come in runs (the runtime hands them out in batches per P),
// and live goroutines can follow any stride: no pattern may pile entries up
// into long probe sequences.
func TestRegistryProbeLengths(t *testing.T) {
	for _, stride := range []uint64{1, 2, 16, 64, 1024, 1 << 16} {
		r := newRegistry()
		const n = 20000
		for i := range uint64(n) {
			r.insert(1+i*stride, &gstate{}, nil)
		}
		tb := r.table.Load()
		longest := 0
		for i := range uint64(n) {
			id := 1 + i*stride
			probe := 0
			for j := tb.home(id); tb.slots[j].goid.Load() != id; j = (j + 1) & tb.mask {
				probe++
			}
			longest = max(longest, probe)
		}
		if longest > maxProbe {
			t.Errorf("stride %d: an entry sits %d slots past its home", stride, longest)
		}
	}
}
