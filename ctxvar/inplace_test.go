package ctxvar

import (
	"sync"
	"testing"
)

// A goroutine's own Context updates its map in place while no snapshot shares
// it. These tests check both halves: that it does, and that no snapshot taken
// by Copy, Spawn or Bind ever sees a later in-place update.

func TestInPlaceUpdatesReuseTheMap(t *testing.T) {
	v, w := New[int]("v"), New[int]("w")
	done := make(chan struct{})
	go func() {
		defer close(done)
		keep := w.Set(0) // keeps the goroutine's state while v is set and reset
		defer w.Reset(keep)
		v.Reset(v.Set(1)) // the first update allocates a map owned by the goroutine
		d := currentMap()
		for i := range 100 {
			v.Reset(v.Set(i))
			if currentMap() != d {
				t.Error("Set and Reset of an owned map replaced it instead of updating in place")
				return
			}
		}
		allocs := testing.AllocsPerRun(100, func() { v.Reset(v.Set(7)) })
		if allocs > 1 {
			t.Errorf("Set+Reset allocates %v times, want only the token", allocs)
		}
	}()
	<-done
}

// A bare goroutine's first Set registers it with its one-entry map in the
// same allocation as its state. With g keys the state stays, empty, after
// the Reset, and later Set+Resets allocate the token alone; with id keys the
// Reset releases the state, and each Set+Reset allocates both.
func TestBareSetResetAllocations(t *testing.T) {
	v := New[int]("v")
	done := make(chan struct{})
	go func() {
		defer close(done)
		want := 2.0
		if gKeys() {
			want = 1
		}
		allocs := testing.AllocsPerRun(100, func() { v.Reset(v.Set(7)) })
		if allocs > want {
			t.Errorf("Set+Reset in a bare goroutine allocates %v times, want %v", allocs, want)
		}
		if gs := current(); gKeys() != (gs != nil) || gs != nil && gs.base.data.Load().len() != 0 {
			t.Errorf("after Set and Reset the goroutine's state is %+v (g keys: %v)", gs, gKeys())
		}
	}()
	<-done
}

// The map of a bare goroutine's first Set lives in its state; a snapshot
// that shares it must not see later Sets, nor lose its value when the state
// is released.
func TestFirstMapSnapshots(t *testing.T) {
	v, w := New[int]("v"), New[int]("w")
	done := make(chan struct{})
	go func() {
		defer close(done)
		tok := v.Set(1)
		c := Copy() // shares the first map
		tok2 := v.Set(2)
		wt := w.Set(3)
		if got, ok := ValueIn(c, v); !ok || got != 1 {
			t.Errorf("Copy taken after the first Set sees v = %d, %v; want 1", got, ok)
		}
		if c.Len() != 1 {
			t.Errorf("Copy taken after the first Set has %d values, want 1", c.Len())
		}
		w.Reset(wt)
		v.Reset(tok2)
		v.Reset(tok)
		if gs := current(); gKeys() != (gs != nil) || gs != nil && gs.base.data.Load().len() != 0 {
			t.Errorf("after its Sets were reset the goroutine's state is %+v (g keys: %v)", gs, gKeys())
		}
		if got, ok := ValueIn(c, v); !ok || got != 1 {
			t.Errorf("after the state was released, the Copy sees v = %d, %v; want 1", got, ok)
		}
	}()
	<-done
}

// currentMap returns the calling goroutine's map without taking a snapshot.
func currentMap() *pmap {
	return current().cur.data.Load()
}

func TestInPlaceNeverReachesSnapshots(t *testing.T) {
	v := New[int]("v")
	done := make(chan struct{})
	go func() {
		defer close(done)
		v.Set(1)
		v.Set(2) // in place
		c := Copy()
		v.Set(3) // must copy: c shares the map
		v.Set(4) // in place again, on the new map
		if got, _ := ValueIn(c, v); got != 2 {
			t.Errorf("Copy taken at 2 sees %d", got)
		}

		var wg sync.WaitGroup
		wg.Add(1)
		release := make(chan struct{})
		Spawn(func() {
			defer wg.Done()
			<-release
			if got := v.Get(); got != 4 {
				t.Errorf("child spawned at 4 sees %d", got)
			}
		})
		bound := Bind(func() {
			if got := v.Get(); got != 4 {
				t.Errorf("function bound at 4 sees %d", got)
			}
		})
		tok := v.Set(5)
		v.Set(6)
		close(release)
		wg.Wait()
		bound()
		v.Reset(tok)
		if got := v.Get(); got != 4 {
			t.Errorf("after Reset v = %d, want 4", got)
		}
		if got, _ := ValueIn(c, v); got != 2 {
			t.Errorf("Copy taken at 2 sees %d after later updates", got)
		}
	}()
	<-done
}

func TestInPlaceNotForRunContexts(t *testing.T) {
	v := New[int]("v")
	c := Copy()
	c.Run(func() { v.Set(1) })
	before := c.data.Load()
	snap := c.Copy()
	c.Run(func() {
		v.Set(2)
		if c.data.Load() == before {
			t.Error("a Set inside Run updated a map that a copy of the Context shares")
		}
	})
	if got, _ := ValueIn(snap, v); got != 1 {
		t.Fatalf("copy of the Context sees %d, want 1", got)
	}
}

func TestPmapInPlace(t *testing.T) {
	a, b, c := newVarCore("a"), newVarCore("b"), newVarCore("c")
	m := (*pmap)(nil).set(a, 1)
	if m.setInPlace(b, 2, 1) {
		t.Fatal("setInPlace added a key to a full node")
	}
	if !m.setInPlace(a, 10, 1) {
		t.Fatal("setInPlace could not replace a value")
	}
	if !m.removeInPlace(a) || m.len() != 0 {
		t.Fatalf("removeInPlace left %d entries", m.len())
	}
	if !m.setInPlace(c, 3, 1) || m.len() != 1 {
		t.Fatal("setInPlace did not reuse the room left by removeInPlace")
	}
	if x, ok := m.lookup(c); !ok || x != 3 {
		t.Fatalf("lookup after setInPlace = %v, %v", x, ok)
	}
	if _, ok := m.lookup(a); ok {
		t.Fatal("removed key still found")
	}
	big := m
	for i := range pmapSmallMax + 1 {
		big = big.set(newVarCore("k"), i)
	}
	if big.setInPlace(a, 1, pmapSmallMax) || big.removeInPlace(c) {
		t.Fatal("in-place update of a HAMT")
	}
}

// Copies of one Context taken in a row must be distinct, independent
// Contexts.
func TestCopyBatchDistinct(t *testing.T) {
	v := New[int]("v")
	defer v.Reset(v.Set(-1))
	const n = 25
	var cs [n]*Context
	for i := range cs {
		cs[i] = Copy()
		for j := range i {
			if cs[j] == cs[i] {
				t.Fatalf("Copy %d and Copy %d returned the same Context", j, i)
			}
		}
	}
	for i, c := range cs {
		c.Run(func() { v.Set(i) })
	}
	for i, c := range cs {
		if got, _ := ValueIn(c, v); got != i {
			t.Fatalf("Context %d holds %d: another Context's Run wrote to it", i, got)
		}
	}
	if v.Get() != -1 {
		t.Fatalf("the copies' Runs changed the caller's value to %d", v.Get())
	}
}

// Tokens and Contexts come from per-goroutine batches after the first: each
// must still be distinct and independent, and a Var's batch must never hand
// out another Var's kind of token.
func TestBatchesDistinct(t *testing.T) {
	v, w := New[int]("v"), New[string]("w")
	done := make(chan struct{})
	go func() {
		defer close(done)
		seen := make(map[any]bool)
		var toks []*Token[int]
		for i := range 3*batchSize + 1 {
			tv := v.Set(i)
			tw := w.Set("x")
			if seen[tv] || seen[tw] {
				t.Errorf("Set %d returned a token handed out before", i)
			}
			seen[tv], seen[tw] = true, true
			toks = append(toks, tv)
			w.Reset(tw)
			c := Copy()
			if seen[c] {
				t.Errorf("Copy %d returned a Context handed out before", i)
			}
			seen[c] = true
			if got, _ := ValueIn(c, v); got != i {
				t.Errorf("Copy %d sees v = %d", i, got)
			}
		}
		for i := len(toks) - 1; i >= 0; i-- {
			if old, had := toks[i].OldValue(); had != (i > 0) || i > 0 && old != i-1 {
				t.Errorf("token %d: old value %d, %v", i, old, had)
			}
			v.Reset(toks[i])
		}
		if _, ok := v.Lookup(); ok {
			t.Error("v still has a value after every token was reset")
		}
	}()
	<-done
}
