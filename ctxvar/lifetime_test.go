package ctxvar

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

const manyGoroutines = 100_000

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// holdSweeper keeps GC-driven sweeps from running until the test ends, so
// that the test sees the states it made before it sweeps them itself.
func holdSweeper(t *testing.T) {
	for !sweeping.CompareAndSwap(false, true) {
		time.Sleep(time.Millisecond)
	}
	t.Cleanup(func() { sweeping.Store(false) })
}

// quietRegistry holds the sweeper for the rest of the test and sweeps once,
// so that states left by earlier tests' exited goroutines are gone from the
// baseline and cannot vanish in the middle of the test.
func quietRegistry(t *testing.T) {
	holdSweeper(t)
	sweep()
}

// warmGoroutines makes the runtime allocate the goroutine structures that the
// test will need: the runtime keeps them for reuse, so they would otherwise
// show as heap growth that has nothing to do with ctxvar.
func warmGoroutines() {
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range manyGoroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
		}()
	}
	close(release)
	wg.Wait()
}

// goAndWait runs fn(i) for i in [0, n), each on a goroutine started with a
// bare go statement, and waits for all of them.
func goAndWait(n int, fn func(i int)) {
	before := runtime.NumGoroutine()
	defer waitExited(before)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i)
		}()
	}
	wg.Wait()
}

// waitExited waits, for up to 10 s, until no more than n goroutines exist:
// a goroutine that has called wg.Done may not have exited yet, and a sweep
// collects only the states of goroutines that have.
func waitExited(n int) {
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > n && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
}

// collectExited sweeps until want reports that the states of exited bare
// goroutines are gone. With g keys a sweep sees a goroutine as gone once its
// g reads _Gdead or runs another goroutine; without a verified status word,
// only the latter, so each round first starts and ends a batch of
// goroutines, which the runtime gives the most recently freed gs.
func collectExited(t *testing.T, what string, want func() bool) {
	t.Helper()
	for range 50 {
		sweep()
		if want() {
			return
		}
		if gKeys() {
			goAndWait(manyGoroutines/10, func(int) {})
		}
	}
	t.Fatalf("sweeps did not collect %s", what)
}

// waitFor polls cond for up to 10 s: a Spawned goroutine's state is released
// just after its function returns, so after the WaitGroup in the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// assertBaseline checks that the registry holds what it held before the test
// and that the heap has come back to within slack of where it was.
func assertBaseline(t *testing.T, regBefore int, heapBefore uint64) {
	t.Helper()
	waitFor(t, "the registry to come back to its baseline", func() bool { return reg.len() <= regBefore })
	waitFor(t, "the registry table to shrink after a GC", func() bool {
		runtime.GC()
		return len(reg.table.Load().slots) <= 4<<minTableLog
	})
	const slack = 2 << 20 // a leak of 10^5 states would be tens of MB
	if after := heapInUse(); after > heapBefore+slack {
		t.Fatalf("heap grew from %d to %d bytes", heapBefore, after)
	}

}

func TestLifetimeSpawn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 10^5 goroutines")
	}
	v := New[int]("v")
	w := New[int]("w")
	defer v.Reset(v.Set(-1))
	quietRegistry(t)
	warmGoroutines()
	regBefore, heapBefore := reg.len(), heapInUse()

	var wg sync.WaitGroup
	for i := range manyGoroutines {
		wg.Add(1)
		Spawn(func() {
			defer wg.Done()
			if v.Get() != -1 {
				t.Errorf("spawned goroutine %d saw %d, want the parent's -1", i, v.Get())
			}
			switch i % 3 {
			case 0:
				defer v.Reset(v.Set(i)) // balanced
			case 1:
				w.Set(i) // never reset: the Context dies with the goroutine
			case 2:
				w.Set(i)
				runtime.Goexit()
			}
		})
	}
	wg.Wait()
	assertBaseline(t, regBefore, heapBefore)
}

func TestLifetimeSpawnFromEmpty(t *testing.T) {
	v := New[int]("v")
	quietRegistry(t)
	regBefore := reg.len()
	var wg sync.WaitGroup
	for i := range 1000 {
		wg.Add(1)
		Spawn(func() {
			defer wg.Done()
			v.Set(i) // the child started empty; its state appears here
		})
	}
	wg.Wait()
	waitFor(t, "spawned goroutines' states to be released", func() bool { return reg.len() <= regBefore })
}

func TestLifetimeBareSetReset(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 10^5 goroutines")
	}
	v := New[int]("v")
	w := New[string]("w")
	quietRegistry(t)
	warmGoroutines()
	regBefore, heapBefore := reg.len(), heapInUse()
	bareBefore := bareStates()

	goAndWait(manyGoroutines, func(i int) {
		t1 := v.Set(i)
		t2 := w.Set("x")
		t3 := v.Set(i + 1)
		v.Reset(t1) // out of order: v is unset again, but t3 is outstanding
		w.Reset(t2)
		v.Reset(t3) // t3 restores i: the Context is not empty yet
		if got, _ := v.Lookup(); got != i {
			t.Errorf("after out-of-order resets v = %d, want %d", got, i)
		}
		v.Set(0)
	})
	// Each goroutine above ended with a value set: their states stay until a
	// sweep.
	collectExited(t, "the states of goroutines that exited with values set", func() bool { return bareStates() <= bareBefore })
	// Now the same without the last Set. With id keys nothing may stay; with
	// g keys, each goroutine's empty state stays for its next Set until a
	// sweep finds the goroutine gone.
	goAndWait(manyGoroutines, func(i int) {
		t1 := v.Set(i)
		t2 := w.Set("x")
		v.Reset(t1)
		w.Reset(t2)
		if gs := current(); gs != nil && gs.base.data.Load().len() != 0 {
			t.Errorf("a goroutine's Context holds %d values after resetting all", gs.base.data.Load().len())
		}
	})
	if !gKeys() {
		if got := bareStates(); got != bareBefore {
			t.Fatalf("bare states = %d after goroutines that set and reset, want %d", got, bareBefore)
		}
	}
	collectExited(t, "the empty states of goroutines that set and reset", func() bool { return bareStates() <= bareBefore })
	assertBaseline(t, regBefore, heapBefore)
}

func TestLifetimeBareSetWithoutReset(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 10^5 goroutines")
	}
	v := New[[]byte]("v")
	quietRegistry(t)
	warmGoroutines()
	regBefore, heapBefore := reg.len(), heapInUse()

	goAndWait(manyGoroutines, func(int) { v.Set(make([]byte, 64)) })
	// With g keys, a goroutine that the runtime started on the g of one that
	// exited replaced its state: fewer states than goroutines remain.
	if got := reg.len(); got <= regBefore {
		t.Fatalf("registry holds %d states, want the goroutines' states before the sweep", got)
	}
	collectExited(t, "the states of goroutines that exited with values set", func() bool { return reg.len() <= regBefore })
	assertBaseline(t, regBefore, heapBefore)
}

func TestSweepKeepsLiveGoroutines(t *testing.T) {
	v := New[int]("v")
	const n = 500
	quietRegistry(t)
	bareBefore := bareStates()
	release := make(chan struct{})
	ready, done := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v.Set(i)
			ready <- struct{}{}
			<-release
			if got := v.GetOr(-1); got != i {
				t.Errorf("after a sweep, a live goroutine's value is %d, want %d", got, i)
			}
		}()
	}
	before := runtime.NumGoroutine() - n
	for range n {
		<-ready
	}
	if freed := sweep(); freed != 0 {
		t.Errorf("a sweep while the goroutines live collected %d states", freed)
	}
	close(release)
	go func() { wg.Wait(); close(done) }()
	<-done
	waitExited(before)
	collectExited(t, "the states of the goroutines once they exited", func() bool { return bareStates() <= bareBefore })
}

func TestSweepRunsAfterGC(t *testing.T) {
	v := New[int]("v")
	goAndWait(4*sweepFloor, func(i int) { v.Set(i) })
	policyMu.Lock()
	policy = sweepPolicy{interval: minSweepInterval}
	policyMu.Unlock()
	waitFor(t, "a GC-driven sweep", func() bool {
		runtime.GC()
		return bareStates() < sweepFloor
	})
}

func TestSweepPolicy(t *testing.T) {
	now := time.Now()
	p := sweepPolicy{last: now, interval: minSweepInterval}
	if p.due(now, sweepFloor-1, 10) {
		t.Error("due below the floor")
	}
	if !p.due(now, sweepFloor, 10) {
		t.Error("not due at the floor after a sweep that left nothing")
	}
	p.record(now, 5000, 1000, 0) // freed nothing: 1000 live bare goroutines
	if p.interval != 2*minSweepInterval {
		t.Errorf("interval = %v after a sweep that freed nothing, want it doubled", p.interval)
	}
	if p.due(now, 5999, 10) {
		t.Error("due before as many registrations as the last sweep left")
	}
	if !p.due(now, 6000, 10) {
		t.Error("not due after as many registrations as the last sweep left")
	}
	if p.due(now, 7000, 80_000) {
		t.Error("due before goroutines/8 registrations: the sweep would cost more than it is paid for")
	}
	if !p.due(now.Add(p.interval), 5001, 10) {
		t.Error("not due after the interval with one registration")
	}
	if p.due(now.Add(time.Hour), 5000, 10) {
		t.Error("due without any registration since the last sweep")
	}
	p.record(now, 6000, 1000, 900)
	if p.interval != minSweepInterval {
		t.Errorf("interval = %v after a sweep that freed most, want the minimum", p.interval)
	}
	for range 20 {
		p.record(now, 6000, 1000, 0)
	}
	if p.interval != maxSweepInterval {
		t.Errorf("interval = %v, want it capped at %v", p.interval, maxSweepInterval)
	}
}

func TestParseGoroutineIDs(t *testing.T) {
	dump := []byte("goroutine 1 [running]:\nmain.main()\n\t/x.go:3 +0x1\n\n" +
		"goroutine 42 gp=0xc000 m=nil [chan receive]:\nruntime.gopark()\ncreated by main.main in goroutine 1\n\n" +
		"goroutine 7 [select, 3 minutes]:\n[originating from goroutine 5]:\n\ngoroutine x [bad]:\n")
	ids := parseGoroutineIDs(dump)
	if len(ids) != 3 {
		t.Fatalf("parsed %v, want ids 1, 42 and 7", ids)
	}
	for _, id := range []uint64{1, 42, 7} {
		if _, ok := ids[id]; !ok {
			t.Errorf("id %d missing from %v", id, ids)
		}
	}
	live := liveGoroutines()
	if _, ok := live[goid()]; !ok {
		t.Fatalf("liveGoroutines does not list the calling goroutine %d", goid())
	}
}

func TestRunLeavesNothing(t *testing.T) {
	v := New[int]("v")
	quietRegistry(t)
	regBefore := reg.len()
	c := Copy()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(func() { v.Set(1) })
		func() {
			defer func() { _ = recover() }()
			c.Run(func() { panic("boom") })
		}()
		Bind(func() { v.Set(2) })()
		// With g keys the goroutine keeps an empty state for its next Run.
		if gs := current(); gs != nil && (!gKeys() || gs.cur != &gs.base || gs.base.data.Load().len() != 0) {
			t.Error("a bare goroutine still has values after Run and a bound call returned")
		}
	}()
	<-done
	if got, _ := ValueIn(c, v); got != 1 {
		t.Fatalf("the Set inside Run did not persist in the Context: %d", got)
	}
	collectExited(t, "the goroutine's state", func() bool { return reg.len() <= regBefore })
}
