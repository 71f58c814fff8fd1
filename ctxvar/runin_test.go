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
