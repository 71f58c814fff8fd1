package ctxvar

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"unsafe"
)

// ownValue returns the calling goroutine's registry value.
func ownValue() unsafe.Pointer {
	key, _ := self()
	return reg.load(key)
}

// TestRunInRestoresTheRegistry checks that a bound call leaves the
// goroutine's registry value as it found it, whatever the goroutine had
// (nothing, a snapshot, its own state, inside a Run), and that the state the
// callback's Sets made is gone, not left to the sweeper.
func TestRunInRestoresTheRegistry(t *testing.T) {
	v := New[int]("runin.v")
	w := New[int]("runin.w")
	var bound func()
	func() {
		defer v.Reset(v.Set(1))
		bound = Bind(func() {
			if got := v.Get(); got != 1 {
				t.Errorf("in the bound call, v = %d; want 1, the value at Bind", got)
			}
			w.Set(2) // never reset: the call's Context goes with it
			v.Set(3)
			if got := v.Get(); got != 3 {
				t.Errorf("after Set in the bound call, v = %d; want 3", got)
			}
		})
	}()
	check := func(t *testing.T, setup func(run func())) {
		t.Helper()
		var before, after unsafe.Pointer
		var regBefore, regAfter int
		done := make(chan struct{})
		go func() {
			defer close(done)
			setup(func() {
				before, regBefore = ownValue(), reg.len()
				bound()
				after, regAfter = ownValue(), reg.len()
			})
		}()
		<-done
		if after != before {
			t.Errorf("registry value after the bound call = %p; want %p, as before it", after, before)
		}
		if regAfter != regBefore {
			t.Errorf("registry holds %d values after the bound call; want %d, as before it", regAfter, regBefore)
		}
	}
	t.Run("empty", func(t *testing.T) {
		check(t, func(run func()) { run() })
	})
	t.Run("own state", func(t *testing.T) {
		check(t, func(run func()) {
			defer w.Reset(w.Set(9))
			run()
			if got := w.Get(); got != 9 {
				t.Errorf("after the bound call, w = %d; want 9, the goroutine's own", got)
			}
			if _, ok := v.Lookup(); ok {
				t.Error("after the bound call, v has a value; want none, as before it")
			}
		})
	})
	t.Run("inside Run", func(t *testing.T) {
		check(t, func(run func()) {
			c := new(Context)
			c.Run(func() {
				w.Set(7)
				run()
				if got := w.Get(); got != 7 {
					t.Errorf("after the bound call, w = %d; want 7, the Run's", got)
				}
			})
		})
	})
	t.Run("spawned", func(t *testing.T) {
		defer w.Reset(w.Set(5))
		var wg sync.WaitGroup
		wg.Add(1)
		Spawn(func() {
			defer wg.Done()
			before := ownValue()
			bound()
			if after := ownValue(); after != before {
				t.Errorf("registry value after the bound call = %p; want %p, the inherited snapshot", after, before)
			}
			if got := w.Get(); got != 5 {
				t.Errorf("after the bound call, w = %d; want 5, the inherited value", got)
			}
		})
		wg.Wait()
	})
}

// TestRunInPanicAndGoexit checks that the goroutine's Context comes back when
// the callback panics or calls runtime.Goexit, and that the panic value is
// the callback's own.
func TestRunInPanicAndGoexit(t *testing.T) {
	v := New[string]("runin.panic")
	boom := errors.New("boom")
	bound := Bind(func() {
		v.Set("inside")
		panic(boom)
	})
	func() {
		defer v.Reset(v.Set("outside"))
		func() {
			defer func() {
				if r := recover(); r != boom {
					t.Errorf("recovered %v; want the callback's panic value", r)
				}
			}()
			bound()
		}()
		if got := v.Get(); got != "outside" {
			t.Errorf("after the panic, v = %q; want %q", got, "outside")
		}
	}()

	exit := Bind(func() {
		v.Set("inside")
		runtime.Goexit()
	})
	seen := make(chan string, 1)
	go func() {
		defer func() { seen <- v.GetOr("nothing") }()
		exit()
	}()
	if got := <-seen; got != "nothing" {
		t.Errorf("deferred after Goexit, v = %q; want %q: the goroutine's own empty Context", got, "nothing")
	}
}

// TestRunInTokenStaysInside checks that a token made in a bound call cannot
// reset the caller's Context after the call.
func TestRunInTokenStaysInside(t *testing.T) {
	v := New[int]("runin.token")
	var tok *Token[int]
	Bind(func() { tok = v.Set(1) })()
	defer func() {
		err, _ := recover().(error)
		if !errors.Is(err, ErrTokenContext) {
			t.Errorf("Reset outside the bound call panicked with %v; want ErrTokenContext", err)
		}
	}()
	v.Reset(tok)
}

// TestBindAllocatesNothing checks the promise of the bridge and of the HTTP
// middleware: a bound call that only reads allocates nothing.
func TestBindAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's instrumentation allocates")
	}
	v := New[int]("runin.allocs")
	var bound func()
	func() {
		defer v.Reset(v.Set(4))
		bound = Bind(func() { _ = v.Get() })
	}()
	bindArg := BindArg(func(n int) { _ = v.GetOr(0) + n })
	allocs := testing.AllocsPerRun(1000, func() {
		bound()
		bindArg(1)
	})
	if allocs != 0 {
		t.Errorf("a bound call that reads allocates %v times; want 0", allocs)
	}
}

// TestRecycledStates checks that the state of a bound call goes back to the
// pool and serves the next call, which then allocates nothing for its Sets,
// whether the call reset them or not, and that the Tokens of an earlier life
// of a state fail Reset's checks in the next.
func TestRecycledStates(t *testing.T) {
	a := New[int]("recycle.a")
	b := New[int]("recycle.b")
	setBoth := Bind(func() {
		defer a.Reset(a.Set(1))
		defer b.Reset(b.Set(2))
		if a.Get()+b.Get() != 3 {
			t.Error("the bound call reads other values than it set")
		}
	})
	if !raceEnabled {
		setBoth() // starts the batches
		if allocs := testing.AllocsPerRun(1000, setBoth); allocs > 0.5 {
			t.Errorf("a bound call that sets and resets two Vars allocates %v times; want a fraction of one, from its recycled state", allocs)
		}
		forget := Bind(func() {
			a.Set(1) // a request's value that the boundary drops
			b.Set(2)
		})
		forget()
		if allocs := testing.AllocsPerRun(1000, forget); allocs > 0.5 {
			t.Errorf("a bound call that sets two Vars without Reset allocates %v times; want a fraction of one, from its recycled state", allocs)
		}
	}

	var leaked, used *Token[int]
	Bind(func() {
		leaked = a.Set(10) // not reset: fails in the state's next life
		used = b.Set(20)
		b.Reset(used)
	})()
	for range 100 {
		Bind(func() {
			defer a.Reset(a.Set(3))
			func() {
				defer func() {
					err, _ := recover().(error)
					if !errors.Is(err, ErrTokenContext) {
						t.Fatalf("Reset of an earlier call's unreset token panicked with %v; want ErrTokenContext", err)
					}
				}()
				a.Reset(leaked)
			}()
			func() {
				defer func() {
					err, _ := recover().(error)
					if !errors.Is(err, ErrTokenUsed) {
						t.Fatalf("Reset of an earlier call's used token panicked with %v; want ErrTokenUsed", err)
					}
				}()
				b.Reset(used)
			}()
			if got := a.Get(); got != 3 {
				t.Fatalf("a = %d; want 3, this call's own", got)
			}
		})()
	}
}

// TestRecycledStatesConcurrently runs bound calls and Spawn'd goroutines that
// set, reset and copy on many goroutines at once, with sweeps running, so
// that recycled states meet the sweeper and each other; each checks that it
// reads only its own values.
func TestRecycledStatesConcurrently(t *testing.T) {
	v := New[int]("recycle.concurrent")
	w := New[int]("recycle.other")
	const workers, rounds = 8, 2000
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				sweep()
				runtime.Gosched()
			}
		}
	}()
	var failures sync.Map
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range rounds {
				want := i*rounds + j
				call := Bind(func() {
					defer v.Reset(v.Set(want))
					if j%3 == 0 {
						w.Set(want) // left set: this state is not recycled
					}
					snap := Copy()
					done := make(chan int)
					Spawn(func() {
						defer w.Reset(w.Set(-want))
						done <- v.Get()
					})
					if got := <-done; got != want {
						failures.Store(want, got)
					}
					if got, _ := ValueIn(snap, v); got != want {
						failures.Store(-want, got)
					}
				})
				call()
				if _, ok := v.Lookup(); ok {
					failures.Store(want, "left a value")
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	failures.Range(func(k, v any) bool {
		t.Errorf("round %v read %v", k, v)
		return true
	})
}
