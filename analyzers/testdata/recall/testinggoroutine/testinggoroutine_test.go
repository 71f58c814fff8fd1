package testinggoroutine

import (
	"context"
	"errors"
	"log"
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
)

func TestBadGetInLoop(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(id int) { // mistake: barego [go-literal]
			defer wg.Done()
			t.Logf("id = %v, user = %s", id, user.Get()) // mistake: unsetget [go-literal]
		}(i)
	}
}

// The value is read by the test and handed to the goroutine.
func TestOKCaptured(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	var wg sync.WaitGroup
	defer wg.Wait()
	name := user.Get() // ok: unsetget [captured]
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(id int) { // ok: barego [captured]
			defer wg.Done()
			t.Logf("id = %v, user = %s", id, name)
		}(i)
	}
}

func TestOKSpawn(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < 2; i++ {
		wg.Add(1)
		ctxvar.Spawn(func() { // ok: barego [spawn]
			defer wg.Done()
			t.Logf("id = %v, user = %s", i, user.Get()) // ok: unsetget [spawn]
		})
	}
}

// GetOr cannot panic, but the goroutine still sees none of the test's
// values.
func TestBadGetOr(t *testing.T) {
	defer trace.Reset(trace.Set("t-1"))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func(id int) { // mistake: barego [go-literal]
			defer wg.Done()
			t.Log(id, trace.GetOr("?"), user.GetOr("?")) // ok: unsetget [getor]
		}(i)
	}
}

// TestBadFatalIssue47470: named functions and func values.
func TestBadNamed(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go logUser(t, "failed test 1") // mistake: barego, unsetget [go-named]

	g := func(t *testing.T, _ string) {
		t.Log(user.Get()) // mistake: unsetget@named [func-var]
	}
	go g(t, "failed test 2") // mistake: barego, unsetget@named [func-var]
}

func BenchmarkBadGetInLoop(b *testing.B) {
	defer user.Reset(user.Set("bench"))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go func(id int) { // mistake: barego [go-literal]
			defer wg.Done()
			b.Logf("%d %s", id, user.Get()) // mistake: unsetget [go-literal]
		}(i)
	}
}

func BenchmarkOKBind(b *testing.B) {
	defer user.Reset(user.Set("bench"))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := 0; i < b.N; i++ {
		wg.Add(1)
		run := ctxvar.Bind(func() {
			defer wg.Done()
			b.Logf("%d %s", i, user.Get()) // ok: unsetget [bind]
		})
		go run() // ok: barego [bind]
	}
}

func BenchmarkBadGoGo(b *testing.B) {
	defer user.Reset(user.Set("bench"))
	var wg sync.WaitGroup
	defer wg.Wait()

	for i := 0; i < b.N; i++ {
		wg.Add(1)
		go func(id int) { // ok: barego [nested-go]
			go func() { // mistake: barego [nested-go]
				defer wg.Done()
				b.Log(id, user.Get()) // mistake: unsetget [nested-go]
			}()
		}(i)
	}

	if false {
		defer sink(user.Get()) // ok: unsetget [const-branch]
	}

	if true {
		go func() { // mistake: barego [go-literal]
			b.Log(user.Get()) // mistake: unsetget [go-literal]
		}()
	}

	func() {
		func() {
			func() {
				func() {
					go func() { // mistake: barego [nested-go]
						b.Log(trace.Get())
					}()
				}()
			}()
		}()
	}()

	_ = func() bool {
		go sink(trace.Get()) // ok: barego [go-args]
		return true
	}

	defer func() {
		go sink(user.Get()) // ok: barego, unsetget [go-args]
	}()
}

// A goroutine started with go that spawns: Spawn copies its empty Context.
func TestBadSpawnInGo(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	done := make(chan struct{})
	go func() { // mistake: barego [nested-go]
		ctxvar.Spawn(func() {
			defer close(done)
			t.Log(user.Get()) // mistake: unsetget [nested-go]
		})
	}()
	<-done
}

func TestBadGoMethodCall(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	for i := 0; i < 1000; i++ {
		if i == 100 {
			go user.Get() // mistake: barego, unsetget [go-method]
		}
		if i == 22 {
			go func() {
				go func() { // mistake: barego [nested-go]
					sink(trace.Get())
				}()
			}()
		}
	}
}

func TestBadWithLoopCond(ty *testing.T) {
	defer user.Reset(user.Set("alice"))
	var wg sync.WaitGroup
	defer wg.Wait()

	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(id int) { // mistake: barego [defer]
			defer wg.Done()
			defer sink(user.Get()) // mistake: unsetget [defer]
			go func() {            // mistake: barego [nested-go]
				for j := 0; j < len(user.Get()); j++ { // mistake: unsetget [loop]
					ty.Log("Done here")
				}
			}()
		}(id(i))
	}
}

func id(i int) int { return i }

// A type with Get and Set methods that is no context variable.
func TestWithLookalike(t *testing.T) {
	var wg sync.WaitGroup
	defer wg.Wait()

	l := &lookalike{v: "x"}
	defer l.Set("")

	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(id int) { // ok: barego [lookalike]
			defer wg.Done()
			go func() { // ok: barego [lookalike]
				t.Log(id, l.Get())
				l.Set("y")
			}()
		}(i)
	}
}

// A goroutine that logs through the log package, without a ctxvarslog
// handler, reads no context variable.
func TestWithLogFatal(t *testing.T) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(1)
	go func() { // ok: barego [logging]
		defer wg.Done()
		log.Print("done here")
	}()
}

func TestReadVia(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go readVia(user) // mistake: barego, unsetget [var-arg]
	go func() {      // mistake: barego [var-arg]
		sink(readVia(user)) // mistake: unsetget [var-arg]
	}()
	sink(readVia(user)) // ok: unsetget [var-arg]
	ll := &lookalike{}
	go readVia(ll) // ok: barego, unsetget [lookalike]
}

func TestIssue48124(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go helper(t) // mistake: barego, unsetget [go-named]
}

func TestEachCall(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go helper(t) // mistake: barego, unsetget [go-named]
	go helper(t) // mistake: barego, unsetget [go-named]
}

func TestWithSubtest(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	t.Run("name", func(t2 *testing.T) { // mistake: barego [launcher-trun]
		t2.Log(user.Get()) // mistake: unsetget [launcher-trun]
	})

	f := func(t3 *testing.T) {
		t3.Log(user.Get()) // mistake: unsetget@f [func-var]
	}
	t.Run("name", f) // mistake: barego, unsetget@f [func-var]

	g := func(t4 *testing.T) {
		t4.Log(user.Get()) // ok: unsetget [func-var]
	}
	g(t) // ok: unsetget [func-var]

	t.Run("name", helper) // mistake: barego, unsetget [launcher-trun]

	go t.Run("name", func(t2 *testing.T) { // mistake: barego [launcher-trun]
		t2.Log(trace.Get())
	})
}

func TestSubtestBound(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	t.Run("bound", ctxvar.BindArg(func(t2 *testing.T) { // ok: barego [bind]
		t2.Log(user.Get()) // ok: unsetget [bind]
	}))
	t.Run("own", func(t2 *testing.T) { // ok: barego [set-first]
		defer user.Reset(user.Set("bob"))
		t2.Log(user.Get()) // ok: unsetget [set-first]
	})
	t.Run("none", func(t2 *testing.T) { // ok: barego [no-read]
		t2.Log("no context variable here")
	})
}

func TestMultipleVariables(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	{ // short declaration
		f, g := func(t1 *testing.T) {
			t1.Log(user.Get()) // mistake: unsetget@short [func-var]
		}, func(t2 *testing.T) {
			t2.Log("g reads nothing")
		}

		go f(t) // mistake: barego, unsetget@short [func-var]
		go g(t) // ok: barego [func-var]

		t.Run("name", f) // mistake: barego, unsetget@short [func-var]
		t.Run("name", g) // ok: barego [func-var]
	}

	{ // var declaration
		var f, g = func(t1 *testing.T) {
			t1.Log(trace.Get())
		}, func(t2 *testing.T) {
			t2.Log("g reads nothing")
		}

		go f(t) // mistake: barego [func-var]
		go g(t) // ok: barego [func-var]

		t.Run("name", f) // mistake: barego [func-var]
		t.Run("name", g) // ok: barego [func-var]
	}
}

func TestReassignedFuncValue(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	{
		f := func(t1 *testing.T) {
			t1.Log(trace.Get())
		}
		go f(t) // mistake: barego [func-var]

		f = func(t2 *testing.T) {
			t2.Log("reads nothing")
		}
		go f(t) // ok: barego [func-var]
	}
	{
		f := func(t1 *testing.T) {
			t1.Log("reads nothing")
		}
		go f(t) // ok: barego [func-var]

		f = func(t2 *testing.T) {
			t2.Log(trace.Get())
		}
		go f(t) // mistake: barego [func-var]
	}
}

func TestGoDoesNotDescendIntoSubtest(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	f := func(t2 *testing.T) {
		g := func(t3 *testing.T) {
			t3.Log(user.Get()) // mistake: unsetget@sub [func-var]
		}
		t2.Run("name", g) // mistake: barego, unsetget@sub [func-var]
		t2.Log(trace.Get())
	}
	go f(t) // mistake: barego [func-var]
}

func TestWithUnusedSelection(t *testing.T) {
	go func() { // ok: barego [method-value]
		_ = user.Get
	}()
	t.Run("name", func(t2 *testing.T) { // ok: barego [method-value]
		_ = user.Get
	})
}

func TestMethodExpr(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go func() { // mistake: barego [method-expr]
		sink((*ctxvar.Var[string]).Get(user)) // mistake: unsetget [method-expr]
	}()
	sink((*ctxvar.Var[string]).Get(user)) // ok: unsetget [method-expr]
}

func TestMethodValueOfVar(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	get := user.Get
	go func() { // mistake: barego [method-value]
		sink(get()) // mistake: unsetget [method-value]
	}()
	go get()    // mistake: barego, unsetget [method-value]
	sink(get()) // ok: unsetget [method-value]
}

// TestRecursive sets user before it reads it, on every goroutine that
// runs it: starting it again with go or t.Run is fine.
func TestRecursive(t *testing.T) {
	defer user.Reset(user.Set("r"))
	t.Log(user.Get()) // ok: unsetget [set-first]
	if !recursing {
		recursing = true
		go TestRecursive(t)          // ok: barego, unsetget [set-first]
		t.Run("name", TestRecursive) // ok: barego, unsetget [set-first]
	}
}

func TestMethodSelection(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	var h helperType

	go h.help(t)          // mistake: barego, unsetget [go-method]
	t.Run("name", h.help) // mistake: barego, unsetget [method-value]
	m := h.help
	go m(t)   // mistake: barego, unsetget [method-value]
	h.help(t) // ok: unsetget [go-method]
}

func TestIssue63799a(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	done := make(chan struct{})
	go func() { // ok: barego [nested-go]
		defer close(done)
		t.Run("", func(t *testing.T) { // mistake: barego [launcher-trun]
			t.Log(user.Get()) // mistake: unsetget [launcher-trun]
		})
	}()
	<-done
}

func TestIssue63849(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go func() { // mistake: barego [interproc]
		helper(t) // mistake: unsetget [interproc]
	}()
	go helper(t) // mistake: barego, unsetget [go-named]
}

func TestGenericHelper(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go readT[int]() // mistake: barego, unsetget [generic]
	go func() {     // mistake: barego [generic]
		sink(readT[string]()) // mistake: unsetget [generic]
	}()
	sink(readT[bool]()) // ok: unsetget [generic]
}

// Launchers other than go, with the function in a variable.
func TestLaunchersFuncVar(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	f := func() {
		t.Log(user.Get()) // mistake: unsetget@wg [func-var]
	}
	var wg sync.WaitGroup
	wg.Go(f) // mistake: barego, unsetget@wg [func-var]
	wg.Wait()

	e := func() error {
		t.Log(user.Get()) // mistake: unsetget@eg [func-var]
		return nil
	}
	var g errgroup.Group
	g.Go(e) // mistake: barego, unsetget@eg [func-var]
	_ = g.Wait()

	tick := func() {
		t.Log(trace.Get())
	}
	timer := time.AfterFunc(time.Millisecond, tick) // mistake: barego [func-var]
	defer timer.Stop()

	wg.Go(ctxvar.Bind(f))                       // ok: barego, unsetget [bind]
	g.Go(ctxvar.BindErr(e))                     // ok: barego, unsetget [bind]
	time.AfterFunc(0, ctxvar.Bind(tick)).Stop() // ok: barego [bind]
	_ = g.Wait()
	wg.Wait()
}

func TestStructField(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	j := job{name: "j", run: func() {
		t.Log(user.Get()) // mistake: unsetget@field [struct-field]
	}}
	go j.run()          // mistake: barego, unsetget@field [struct-field]
	ctxvar.Spawn(j.run) // ok: barego, unsetget [spawn]
	j.run()             // ok: unsetget [struct-field]
}

func TestLookalikeNoVar(t *testing.T) {
	l := &lookalike{}
	l.Set("x")
	t.Run("sub", func(t *testing.T) { // ok: barego [lookalike]
		t.Log(l.Get())
	})
}

// A test reads a Var that nothing set.
func TestUnset(t *testing.T) {
	t.Log(user.Get())  // mistake: unsetget [test]
	t.Log(trace.Get()) // ok: unsetget [default]
	if v, ok := user.Lookup(); ok {
		t.Log(v)
	}
	t.Log(user.GetOr("anonymous")) // ok: unsetget [getor]
}

// The other launchers of the testing package and the standard library.

func BenchmarkRunParallel(b *testing.B) {
	defer user.Reset(user.Set("bench"))
	b.RunParallel(func(pb *testing.PB) { // mistake: barego [launcher-testing]
		for pb.Next() {
			sink(user.Get()) // mistake: unsetget [launcher-testing]
		}
	})
	b.RunParallel(func(pb *testing.PB) { // ok: barego [no-read]
		for pb.Next() {
			sink("nothing")
		}
	})
}

func FuzzUser(f *testing.F) {
	defer user.Reset(user.Set("fuzz"))
	f.Add("seed")
	f.Fuzz(func(t *testing.T, s string) { // mistake: barego [launcher-testing]
		sink(s, user.Get()) // mistake: unsetget [launcher-testing]
	})
}

func TestWaitGroupGoLiteral(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	var wg sync.WaitGroup
	wg.Go(func() { // mistake: barego [launcher-waitgroup]
		sink(user.Get()) // mistake: unsetget [launcher-waitgroup]
	})
	wg.Go(ctxvar.Bind(func() { // ok: barego [bind]
		sink(user.Get()) // ok: unsetget [bind]
	}))
	wg.Wait()
}

func TestTryGo(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	g, ctx := errgroup.WithContext(context.Background())
	g.TryGo(func() error { // mistake: barego [launcher-errgroup]
		sink(ctx, trace.Get())
		return nil
	})
	g.Go(func() error { // mistake: barego [launcher-errgroup]
		return check(user.Get()) // mistake: unsetget [launcher-errgroup]
	})
	_ = g.Wait()
}

func check(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	return nil
}

type resource struct{ name string }

func TestAddCleanup(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	r := &resource{name: "r"}
	runtime.AddCleanup(r, func(name string) { // mistake: barego [launcher-cleanup]
		sink(name, user.Get()) // mistake: unsetget [launcher-cleanup]
	}, r.name)
	runtime.KeepAlive(r)
}

// A method expression of a generic Var type, in a generic function.
func readExpr[T any](v *ctxvar.Var[T]) T {
	return (*ctxvar.Var[T]).Get(v)
}

func TestMethodExprGeneric(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	go func() { // mistake: barego [method-expr]
		sink(readExpr(user)) // mistake: unsetget [method-expr]
	}()
	go func() { // mistake: barego [method-expr]
		sink((*ctxvar.Var[string]).GetOr(trace, "?"))
	}()
	sink(readExpr(user)) // ok: unsetget [method-expr]
}

// Goroutines that enter a Context of their own.
func TestGoRun(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	c := ctxvar.Copy()
	done := make(chan struct{})
	go c.Run(func() { // ok: barego [copy-run]
		defer close(done)
		sink(user.Get()) // ok: unsetget [copy-run]
	})
	<-done
	ctx := ctxvar.WithCurrent(context.Background())
	done = make(chan struct{})
	go ctxvar.RunContext(ctx, func() { // ok: barego [runcontext]
		defer close(done)
		sink(user.Get()) // ok: unsetget [runcontext]
	})
	<-done
}

// Goroutines that build their own Context before they read: fine.

func setUser(name string) {
	if name == "" {
		name = "anonymous"
	}
	user.Set(name) // mistake: losttoken [token-helper]
}

func TestSetBeforeRead(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(4)
	go func() { // ok: barego [set-first]
		defer wg.Done()
		if len(t.Name()) > 3 {
			defer user.Reset(user.Set("long")) // ok: losttoken [defer]
		} else {
			defer user.Reset(user.Set("short")) // ok: losttoken [defer]
		}
		sink(user.Get()) // ok: unsetget [set-first]
	}()
	go func() { // ok: barego [set-first]
		defer wg.Done()
		setUser(t.Name())
		sink(user.Get()) // ok: unsetget [set-first]
	}()
	go func() { // ok: barego [set-first]
		defer wg.Done()
		switch len(t.Name()) {
		case 0:
			defer user.Reset(user.Set("none")) // ok: losttoken [defer]
		case 1:
			defer user.Reset(user.Set("one")) // ok: losttoken [defer]
		default:
			defer user.Reset(user.Set("many")) // ok: losttoken [defer]
		}
		sink(user.Get()) // ok: unsetget [set-first]
	}()
	go func() { // ok: barego [set-first]
		defer wg.Done()
		defer user.Reset(user.Set("spawner")) // ok: losttoken [defer]
		ctxvar.Spawn(func() {                 // ok: barego [spawn]
			sink(user.Get()) // ok: unsetget [spawn]
		})
	}()
	wg.Wait()
}

// Guards that show the Var has a value.
func TestGuards(t *testing.T) {
	if _, ok := user.Lookup(); !ok {
		t.Skip("no user") // the path without a value ends here
	}
	sink(user.Get()) // ok: unsetget [lookup-guard]
}

func TestGuardPanics(t *testing.T) {
	if _, ok := user.Lookup(); !ok {
		panic("no user")
	}
	sink(user.Get()) // ok: unsetget [lookup-guard]
}

func TestGuardGetOr(t *testing.T) {
	if user.GetOr("") != "" {
		sink(user.Get()) // ok: unsetget [lookup-guard]
	}
	if user.GetOr("") == "" {
		return
	}
	sink(user.Get()) // ok: unsetget [lookup-guard]
}

func TestGuardWrongVar(t *testing.T) {
	if _, ok := trace.Lookup(); !ok {
		return
	}
	sink(user.Get()) // mistake: unsetget [lookup-guard]
}

// A new, empty Context entered on a goroutine: barego has nothing to say
// about the goroutine, but the Get in the empty Context panics.
func TestGoEmptyRun(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	done := make(chan struct{})
	go func() { // ok: barego [empty-run]
		defer close(done)
		new(ctxvar.Context).Run(func() {
			sink(user.Get()) // mistake: unsetget [empty-run]
		})
	}()
	<-done
}

// Goroutines that read no context variable.
func TestNoRead(t *testing.T) {
	defer user.Reset(user.Set("alice"))
	var wg sync.WaitGroup
	wg.Add(2)
	go fmtPrint(&wg, "x") // ok: barego [no-read]
	go func() {           // ok: barego [no-read]
		defer wg.Done()
		sink(user.Name(), trace.Name())
	}()
	wg.Wait()
	tm := time.AfterFunc(time.Hour, func() { sink("later") }) // ok: barego [no-read]
	tm.Stop()
}

func fmtPrint(wg *sync.WaitGroup, s string) {
	defer wg.Done()
	sink(s)
}
