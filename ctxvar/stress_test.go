package ctxvar_test

// Stress tests, meant to run under the race detector: many goroutines
// spawning, setting, resetting, binding and running Contexts at once. Every
// value encodes the identity of the goroutine that set it (worker, iteration,
// depth), so any goroutine that observes another's value reports it.
//
// -short scales them down.

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// failures collects errors from many goroutines and reports the first few.
type failures struct {
	t *testing.T
	n atomic.Int64
}

const maxReported = 20

func (f *failures) errorf(format string, args ...any) {
	if f.n.Add(1) <= maxReported {
		f.t.Errorf(format, args...)
	}
}

func (f *failures) finish() {
	if n := f.n.Load(); n > maxReported {
		f.t.Errorf("... and %d more failures", n-maxReported)
	}
}

// enc encodes (worker, iteration, depth) in one value.
func enc(w, i, d int) int64 { return int64(w)<<40 | int64(i)<<16 | int64(d) }

func dec(v int64) string {
	if v < 0 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("(w%d i%d d%d)", v>>40, (v>>16)&(1<<24-1), v&(1<<16-1))
}

func stressScale() (workers, iters int) {
	if testing.Short() {
		return 16, 20
	}
	return 64, 250
}

// TestStressIsolation runs workers that each, per iteration: Set a value
// naming themselves; Spawn a nested chain of goroutines, each Setting its own
// value; hand a Bind'd callback to an executor goroutine while calling it
// themselves; Copy their Context and Run the copy on a fresh goroutine while
// they Set a different value; and Reset. Nothing may ever see a value that its
// own Context did not hold.
func TestStressIsolation(t *testing.T) {
	workers, iters := stressScale()
	f := &failures{t: t}
	id := ctxvar.New[int64]("stress.id")

	// Executors: bare goroutines (empty Context) running callbacks handed to
	// them, like a thread pool or event loop.
	jobs := make(chan func(), workers)
	var execs sync.WaitGroup
	for range 4 {
		execs.Add(1)
		go func() {
			defer execs.Done()
			for job := range jobs {
				job()
				if v, ok := id.Lookup(); ok {
					f.errorf("executor goroutine holds id %s after running a callback", dec(v))
				}
			}
		}()
	}

	const root = int64(-1)
	rootTok := id.Set(root)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		ctxvar.Spawn(func() {
			defer wg.Done()
			if got := id.Get(); got != root {
				f.errorf("worker %d starts with id %s, want the parent's %d", w, dec(got), root)
				return
			}
			for i := range iters {
				stressIteration(f, id, jobs, w, i, root)
			}
			if got := id.Get(); got != root {
				f.errorf("worker %d ends with id %s, want %d", w, dec(got), root)
			}
		})
	}
	wg.Wait()
	close(jobs)
	execs.Wait()
	if got := id.Get(); got != root {
		t.Errorf("test goroutine: id = %s after the workers, want %d", dec(got), root)
	}
	id.Reset(rootTok)
	f.finish()
}

func stressIteration(f *failures, id *ctxvar.Var[int64], jobs chan<- func(), w, i int, parent int64) {
	mine := enc(w, i, 0)
	tok := id.Set(mine)
	expect := func(where string, want int64) {
		if got := id.Get(); got != want {
			f.errorf("worker %d iteration %d, %s: id = %s, want %s", w, i, where, dec(got), dec(want))
		}
	}
	runtime.Gosched()
	expect("after Set", mine)

	// 1. A nested Spawn chain.
	chainDone := make(chan struct{})
	ctxvar.Spawn(func() {
		defer close(chainDone)
		spawnChain(f, id, w, i, 1, mine)
	})
	runtime.Gosched()
	expect("while the chain runs", mine)
	<-chainDone
	expect("after the chain", mine)

	// 2. A Bind'd callback, called at the same time by an executor and by us.
	cb := ctxvar.Bind(func() {
		if got := id.Get(); got != mine {
			f.errorf("worker %d iteration %d: bound callback sees %s, want the snapshot %s", w, i, dec(got), dec(mine))
		}
		own := enc(w, i, 100)
		tk := id.Set(own)
		runtime.Gosched()
		if got := id.Get(); got != own {
			f.errorf("worker %d iteration %d: bound callback's Set lost: %s", w, i, dec(got))
		}
		id.Reset(tk)
		id.Set(enc(w, i, 101)) // left set: must vanish with the call's Context
	})
	cbDone := make(chan struct{})
	jobs <- func() {
		defer close(cbDone)
		cb()
	}
	cb()
	expect("after calling the bound callback", mine)
	<-cbDone
	expect("after the executor called the bound callback", mine)

	// 3. Copy, and Run the copy on a fresh goroutine while we Set another value.
	snap := ctxvar.Copy()
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		snap.Run(func() {
			if got := id.Get(); got != mine {
				f.errorf("worker %d iteration %d: Run of a copy on a fresh goroutine sees %s, want %s", w, i, dec(got), dec(mine))
			}
			id.Set(enc(w, i, 200))
		})
		if v, ok := id.Lookup(); ok {
			f.errorf("fresh goroutine holds id %s after Run returned", dec(v))
		}
	}()
	tok2 := id.Set(enc(w, i, 300))
	runtime.Gosched()
	expect("while the copy runs elsewhere", enc(w, i, 300))
	<-runDone
	if got, ok := ctxvar.ValueIn(snap, id); !ok || got != enc(w, i, 200) {
		f.errorf("worker %d iteration %d: the copy holds %s, %v; want the Set made in its Run", w, i, dec(got), ok)
	}
	id.Reset(tok2)
	expect("after Reset of the second token", mine)

	id.Reset(tok)
	expect("after Reset", parent)
}

func spawnChain(f *failures, id *ctxvar.Var[int64], w, i, depth int, parent int64) {
	if got := id.Get(); got != parent {
		f.errorf("worker %d iteration %d depth %d: child starts with %s, want the parent's %s", w, i, depth, dec(got), dec(parent))
	}
	mine := enc(w, i, depth)
	tok := id.Set(mine)
	if depth < 3 {
		done := make(chan struct{})
		ctxvar.Spawn(func() {
			defer close(done)
			spawnChain(f, id, w, i, depth+1, mine)
		})
		runtime.Gosched()
		if got := id.Get(); got != mine {
			f.errorf("worker %d iteration %d depth %d: id = %s while the child runs, want %s", w, i, depth, dec(got), dec(mine))
		}
		<-done
	}
	if got := id.Get(); got != mine {
		f.errorf("worker %d iteration %d depth %d: id = %s, want %s", w, i, depth, dec(got), dec(mine))
	}
	id.Reset(tok)
	if got := id.Get(); got != parent {
		f.errorf("worker %d iteration %d depth %d: id = %s after Reset, want %s", w, i, depth, dec(got), dec(parent))
	}
}

// TestStressRunExclusive has goroutines race to Run one shared Context: at
// most one is inside at a time, every loser gets ErrContextEntered, and the
// winners' read-modify-write Sets, made inside, all persist in the Context.
func TestStressRunExclusive(t *testing.T) {
	goroutines, per := 16, 1000
	if testing.Short() {
		goroutines, per = 8, 50
	}
	f := &failures{t: t}
	shared := ctxvar.Copy()
	runs := ctxvar.New("stress.runs", ctxvar.Default(0))
	owner := ctxvar.New[int64]("stress.owner")
	var inside atomic.Int32
	var wins, losses atomic.Int64

	attempt := func(g, i int) {
		r := panicValue(func() {
			shared.Run(func() {
				defer inside.Add(-1)
				if n := inside.Add(1); n != 1 {
					f.errorf("%d goroutines inside the same Context at once", n)
				}
				runs.Set(runs.Get() + 1)
				me := enc(g, i, 0)
				owner.Set(me)
				runtime.Gosched()
				if got := owner.Get(); got != me {
					f.errorf("goroutine %d: owner = %s inside Run, want its own %s", g, dec(got), dec(me))
				}
			})
		})
		switch {
		case r == nil:
			wins.Add(1)
		default:
			if err, _ := r.(error); err == nil || !errors.Is(err, ctxvar.ErrContextEntered) {
				f.errorf("losing Run panicked with %v, want ErrContextEntered", r)
			}
			losses.Add(1)
		}
		// Won or lost, the goroutine's own Context is unchanged.
		if v, ok := owner.Lookup(); ok {
			f.errorf("goroutine %d holds owner %s after Run", g, dec(v))
		}
	}

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range per {
				attempt(g, i)
			}
		}()
	}
	wg.Wait()

	total := int64(goroutines * per)
	if w, l := wins.Load(), losses.Load(); w+l != total || w == 0 {
		t.Fatalf("wins %d + losses %d, want a total of %d with at least one win", w, l, total)
	}
	if got, _ := ctxvar.ValueIn(shared, runs); int64(got) != wins.Load() {
		t.Fatalf("the shared Context counted %d runs, want one per win (%d)", got, wins.Load())
	}
	t.Logf("%d wins, %d losses", wins.Load(), losses.Load())

	// While one goroutine holds the Context, every other attempt loses.
	entered, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		shared.Run(func() {
			close(entered)
			<-release
		})
	}()
	<-entered
	var lost atomic.Int64
	var tries sync.WaitGroup
	for range goroutines {
		tries.Add(1)
		ctxvar.Spawn(func() {
			defer tries.Done()
			if err := panicIs(ctxvar.ErrContextEntered, func() { shared.Run(func() {}) }); err != nil {
				f.errorf("Run of a Context held by another goroutine: %v", err)
				return
			}
			lost.Add(1)
		})
	}
	tries.Wait()
	close(release)
	<-done
	if n := lost.Load(); n != int64(goroutines) {
		t.Fatalf("%d of %d attempts to enter a held Context failed, want all", n, goroutines)
	}
	f.finish()
}

// TestStressBindConcurrentCalls calls one Bind'd function from many goroutines
// at once: each call runs in its own fresh copy of the snapshot, never sees
// another call's Set, and leaves its caller's Context as it was.
func TestStressBindConcurrentCalls(t *testing.T) {
	goroutines, per := 32, 1000
	if testing.Short() {
		goroutines, per = 8, 40
	}
	f := &failures{t: t}
	id := ctxvar.New[int64]("stress.bind")
	const snapshot = int64(-5)
	tok := id.Set(snapshot)
	var seq atomic.Int64
	bound := ctxvar.Bind(func() {
		if got := id.Get(); got != snapshot {
			f.errorf("bound call starts with %s, want the snapshot %d", dec(got), snapshot)
		}
		me := seq.Add(1)
		id.Set(me)
		runtime.Gosched()
		if got := id.Get(); got != me {
			f.errorf("bound call %d sees %d: another call's Set leaked in", me, got)
		}
	})
	id.Reset(tok)

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		body := func() {
			defer wg.Done()
			own := enc(g, 0, 7)
			tk := id.Set(own)
			for range per {
				bound()
				if got := id.Get(); got != own {
					f.errorf("caller %d: id = %s after a bound call, want its own %s", g, dec(got), dec(own))
				}
			}
			id.Reset(tk)
		}
		if g%2 == 0 {
			ctxvar.Spawn(body)
		} else {
			go body()
		}
	}
	wg.Wait()
	if n := seq.Load(); n != int64(goroutines*per) {
		t.Fatalf("bound function ran %d times, want %d", n, goroutines*per)
	}
	wantUnset(t, id)
	f.finish()
}

// payload is a value big enough to get its own allocation, so that a weak
// pointer to it tells whether anything still references it.
type payload struct {
	id int
	_  [64]int64
}

// waitCollected runs the garbage collector until every pointer in ptrs is
// collected, or fails after a while.
func waitCollected(t *testing.T, ptrs []weak.Pointer[payload], what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		runtime.GC()
		alive := 0
		for _, p := range ptrs {
			if p.Value() != nil {
				alive++
			}
		}
		if alive == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d values set by %s are still reachable: a record of a finished goroutine stayed behind", alive, len(ptrs), what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitGoroutines waits until at most n goroutines exist: the goroutines a
// subtest started have not just signalled but exited.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still running, want at most %d", runtime.NumGoroutine(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStressNoRecordOfFinishedGoroutine checks API.md's rule that no record of
// a finished goroutine stays behind: values a goroutine Set and never Reset
// become garbage once it has exited.
func TestStressNoRecordOfFinishedGoroutine(t *testing.T) {
	v := ctxvar.New[*payload]("stress.payload")
	n := 256
	if testing.Short() {
		n = 64
	}

	// start runs body on n goroutines via launch, each Setting its own
	// payload with set, and returns weak pointers to the payloads once all
	// goroutines have exited.
	start := func(t *testing.T, n int, launch func(func()), set func(*payload)) []weak.Pointer[payload] {
		base := runtime.NumGoroutine()
		ptrs := make([]weak.Pointer[payload], n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			launch(func() {
				defer wg.Done()
				p := &payload{id: i}
				ptrs[i] = weak.Make(p)
				set(p)
			})
		}
		wg.Wait()
		waitGoroutines(t, base)
		return ptrs
	}
	setAndKeep := func(p *payload) {
		v.Set(p)
		if v.Get() != p {
			t.Error("Get after Set returned another payload")
		}
	}
	bare := func(fn func()) { go fn() }

	t.Run("Spawn", func(t *testing.T) {
		waitCollected(t, start(t, n, ctxvar.Spawn, setAndKeep), "Spawned goroutines")
	})
	t.Run("Spawn with Copy and Bind", func(t *testing.T) {
		waitCollected(t, start(t, n, ctxvar.Spawn, func(p *payload) {
			setAndKeep(p)
			_ = ctxvar.Copy()
			ctxvar.Bind(func() { v.Set(&payload{}) })()
		}), "Spawned goroutines that also copied and bound")
	})
	t.Run("bare go, Set then Reset", func(t *testing.T) {
		waitCollected(t, start(t, n, bare, func(p *payload) {
			tok := v.Set(p)
			v.Reset(tok)
		}), "bare goroutines that reset")
	})
	t.Run("bare go, Bind", func(t *testing.T) {
		waitCollected(t, start(t, n, bare, func(p *payload) {
			ctxvar.Bind(func() { v.Set(p) })()
		}), "bare goroutines running bound functions")
	})
	t.Run("bare go, Set without Reset", func(t *testing.T) {
		// Nothing tells a library that a bare goroutine ended; the rule
		// still holds once the garbage collector has run. Many goroutines,
		// so that any batching the implementation does is exceeded.
		waitCollected(t, start(t, 4*n, bare, setAndKeep), "bare goroutines that never reset")
	})
}
