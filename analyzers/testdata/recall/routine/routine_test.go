package routine

import (
	"sync"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

func check(t *testing.T, ok bool) {
	t.Helper()
	if !ok {
		t.Error("check failed")
	}
}

func TestInheritableCommon(t *testing.T) {
	tok := tls.Set("World")
	tok2 := num.Set(2)
	check(t, tls.Get() == "World") // ok: unsetget [test]
	tls.Reset(tok)
	num.Reset(tok2)
	_, ok := tls.Lookup() // ok: unsetget [lookup-guard]
	check(t, !ok)
	check(t, num.Get() == 0) // mistake: unsetget [reset]

	defer tls.Reset(tls.Set("!"))
	defer num.Reset(num.Set(2))
	wg := &sync.WaitGroup{}
	wg.Add(100)
	for i := 0; i < 100; i++ {
		Go(func() { // ok: barego [spawner]
			check(t, num.Get() == 2)   // ok: unsetget [spawner]
			check(t, tls.Get() == "!") // ok: unsetget [spawner]
			wg.Done()
		})
	}
	wg.Wait()
	check(t, tls.Get() == "!") // ok: unsetget [test]
}

func TestInheritableMixed(t *testing.T) {
	check(t, tls2.Get() == "Hello") // ok: unsetget [default]
	check(t, num.Get() == 0)        // mistake: unsetget [test]
	tok := tls2.Set("World")
	check(t, tls2.Get() == "World")
	tls2.Reset(tok)
	check(t, tls2.Get() == "Hello") // ok: unsetget [default]

	defer num.Reset(num.Set(2))
	wg := &sync.WaitGroup{}
	wg.Add(100)
	for i := 0; i < 100; i++ {
		GoBare(func() { // mistake: barego [launcher-user]
			check(t, num.Get() == 2) // mistake: unsetget [launcher-user]
			wg.Done()
		})
	}
	wg.Wait()
}

func TestInheritableWithInitial(t *testing.T) {
	src := &Person{ID: 1, Name: "Tim"}
	defer person.Reset(person.Set(src))
	for i := 0; i < 100; i++ {
		check(t, person.Get() == src) // ok: unsetget [loop]
		wg := &sync.WaitGroup{}
		wg.Add(1)
		Go(func() { // ok: barego [spawner]
			check(t, person.Get() == src) // ok: unsetget [spawner]
			wg.Done()
		})
		wg.Wait()
	}
}

// A bare goroutine sees nothing, Go sees the parent's values, and a Reset
// in the parent after Go does not reach the child.
func TestInheritableCrossCoroutine(t *testing.T) {
	tok := tls.Set("Hello")
	subWait := &sync.WaitGroup{}
	subWait.Add(2)
	finishWait := &sync.WaitGroup{}
	finishWait.Add(2)
	go func() { // mistake: barego [go-literal]
		subWait.Wait()
		_, ok := tls.Lookup() // ok: unsetget [lookup-guard]
		check(t, !ok)
		finishWait.Done()
	}()
	Go(func() { // ok: barego [spawner]
		subWait.Wait()
		check(t, tls.Get() == "Hello") // ok: unsetget [spawner]
		finishWait.Done()
	})
	tls.Reset(tok)
	subWait.Done()
	subWait.Done()
	finishWait.Wait()
}

// The same, with a directive that says the bare goroutine is meant.
func TestInheritableCrossCoroutineIgnored(t *testing.T) {
	defer tls.Reset(tls.Set("Hello"))
	done := make(chan struct{})
	//lint:ignore barego the test checks that a bare goroutine inherits nothing
	go func() { // ok: barego [directive]
		defer close(done)
		_, ok := tls.Lookup()
		check(t, !ok)
	}()
	<-done
}

func TestInheritableCopy(t *testing.T) {
	defer person.Reset(person.Set(&Person{ID: 1, Name: "Tim"}))
	p1 := person.Get()
	task := GoWait(func(token CancelToken) { // ok: barego [spawner]
		p3 := person.Get() // ok: unsetget [spawner]
		check(t, p1 == p3)
		p3.Name = "Tim2"
	})
	task.Get()
	check(t, person.Get().Name == "Tim2") // ok: unsetget [test]
}

func TestWrapTaskNoContext(t *testing.T) {
	tok := tls.Set("hello")
	task := WrapTask(func() {
		check(t, tls.Get() == "hello") // ok: unsetget [bind]
		tls.Set("世界")                  // ok: losttoken [spawner]
		check(t, tls.Get() == "世界")
	})
	tls.Reset(tok)
	tls.Set("world")
	done := make(chan struct{})
	go func() { // mistake: barego [go-literal]
		defer close(done)
		task()
		_, ok := tls.Lookup() // ok: unsetget [lookup-guard]
		check(t, !ok)
	}()
	<-done
	check(t, tls.Get() == "world") // ok: unsetget [test]
}

func TestWrapTaskHasContext(t *testing.T) {
	defer tls.Reset(tls.Set("hello"))
	task := WrapTask(func() {
		check(t, tls.Get() == "hello") // ok: unsetget [bind]
	})
	done := make(chan struct{})
	go func() { // ok: barego [set-first]
		defer close(done)
		tls.Set("你好") // mistake: losttoken [go-literal]
		task()
		check(t, tls.Get() == "你好") // ok: unsetget [set-first]
	}()
	<-done
}

func TestGoValue(t *testing.T) {
	defer tls.Reset(tls.Set("World"))
	wg := &sync.WaitGroup{}
	wg.Add(1)
	Go(func() { // ok: barego [spawner]
		check(t, tls.Get() == "World") // ok: unsetget [spawner]
		tok := tls.Set("Hello2")       // ok: losttoken [spawner]
		check(t, tls.Get() == "Hello2")
		tls.Reset(tok)
		wg.Done()
	})
	wg.Wait()
	check(t, tls.Get() == "World") // ok: unsetget [test]
}

func TestGoCross(t *testing.T) {
	defer tls.Reset(tls.Set("Hello"))
	wg := &sync.WaitGroup{}
	wg.Add(1)
	GoBare(func() { // mistake: barego [launcher-user]
		check(t, tls.Get() == "") // mistake: unsetget [launcher-user]
		wg.Done()
	})
	wg.Wait()
}

func TestGoWaitValue(t *testing.T) {
	defer tls.Reset(tls.Set("World"))
	task := GoWait(func(token CancelToken) { // ok: barego [spawner]
		check(t, tls.Get() == "World") // ok: unsetget [spawner]
		tls.Set("Hello2")              // ok: losttoken [spawner]
	})
	task.Get()
	check(t, tls.Get() == "World") // ok: unsetget [test]
}

func TestGoWaitCross(t *testing.T) {
	defer tls.Reset(tls.Set("Hello"))
	GoWaitBare(func(token CancelToken) { // mistake: barego [launcher-user]
		check(t, tls.Get() == "") // mistake: unsetget [launcher-user]
	}).Get()
}

func TestNewThreadLocalConcurrency(t *testing.T) {
	defer num.Reset(num.Set(33))
	wg := &sync.WaitGroup{}
	wg.Add(10)
	for i := 0; i < 10; i++ {
		check(t, num.Get() == 33) // ok: unsetget [loop]
		Go(func() {               // ok: barego [spawner]
			check(t, num.Get() == 33) // ok: unsetget [spawner]
			for j := 0; j < 20; j++ {
				num.Set(j) // ok: losttoken [spawner]
				check(t, num.Get() == j)
			}
			wg.Done()
		})
	}
	wg.Wait()
}

func TestRunnable(t *testing.T) {
	defer tls.Reset(tls.Set("run"))
	var runnable Runnable = func() {
		sink(tls.Get()) // mistake: unsetget@runnable [func-var]
	}
	runnable()    // ok: unsetget [func-var]
	Go(runnable)  // ok: barego [spawner]
	go runnable() // mistake: barego, unsetget@runnable [func-var]
	var fun func() = runnable
	ctxvar.Spawn(fun) // ok: barego [spawn]
}

func TestCallable(t *testing.T) {
	defer tls.Reset(tls.Set("call"))
	var callable Callable[string] = tls.Get
	check(t, callable() == "call") // ok: unsetget [method-value]
	done := make(chan string)
	go func() { // mistake: barego [method-value]
		done <- callable() // mistake: unsetget [method-value]
	}()
	<-done
	ctxvar.Spawn(func() { // ok: barego [spawn]
		done <- callable() // ok: unsetget [spawn]
	})
	<-done
}

func TestCancelRunnable(t *testing.T) {
	defer tls.Reset(tls.Set("cancel"))
	var cancelRunnable CancelRunnable = func(token CancelToken) {
		sink(tls.Get(), token) // mistake: unsetget@cancel [func-var]
	}
	cancelRunnable(nil) // ok: unsetget [func-var]
	run := ctxvar.BindArg(func(token CancelToken) {
		sink(tls.Get(), token) // ok: unsetget [bind]
	})
	done := make(chan struct{})
	go func() { // ok: barego [bind]
		defer close(done)
		run(nil)
	}()
	<-done
	GoWaitBare(cancelRunnable).Get() // mistake: barego, unsetget@cancel [func-var]
	GoWait(cancelRunnable).Get()     // ok: barego [spawner]
}

func TestThreadLocalInterface(t *testing.T) {
	defer tls.Reset(tls.Set("iface"))
	defer num.Reset(num.Set(7))
	check(t, readLocal(tls) == "iface") // ok: unsetget [typeparam-constraint]
	done := make(chan struct{}, 4)
	go func() { // mistake: barego [typeparam-constraint]
		check(t, readLocal(tls) == "") // mistake: unsetget [typeparam-constraint]
		done <- struct{}{}
	}()
	go func() { // mistake: barego [var-arg]
		check(t, readIface(num) == 0) // mistake: unsetget [var-arg]
		done <- struct{}{}
	}()
	Go(func() { // ok: barego [spawner]
		check(t, readLocal(tls) == "iface") // ok: unsetget [spawner]
		check(t, readIface(num) == 7)       // ok: unsetget [spawner]
		done <- struct{}{}
	})
	go func() { // ok: barego [set-first]
		tok := setLocal(tls, "own") // ok: losttoken [token-helper]
		defer tls.Reset(tok)
		check(t, readLocal(tls) == "own") // ok: unsetget [set-first]
		done <- struct{}{}
	}()
	for range 4 {
		<-done
	}
}

func TestExecutor(t *testing.T) {
	defer tls.Reset(tls.Set("submitter"))
	e := NewExecutor(2)
	defer e.Close()
	done := make(chan string, 4)
	e.Submit(func() { done <- tls.Get() })              // mistake: barego, unsetget [launcher-user]
	e.Submit(ctxvar.Bind(func() { done <- tls.Get() })) // ok: barego, unsetget [bind]
	e.Submit(func() { done <- "no context" })           // ok: barego [no-read]
	e.Submit(func() {
		tls.Set("leaks into the next task on this worker") // mistake: losttoken [worker-ctor]
		done <- "set"
	})
	for range 4 {
		<-done
	}
}

// Vars made at run time and set by the test: the goroutine sees their
// defaults.
func TestCreateBatch(t *testing.T) {
	vars := make([]*ctxvar.Var[int], 8)
	for i := range vars {
		vars[i] = ctxvar.New("batch", ctxvar.Default(i))
		defer vars[i].Reset(vars[i].Set(i * 2))
	}
	done := make(chan struct{})
	go func() { // mistake: barego [local-var]
		defer close(done)
		for _, v := range vars {
			sink(v.Get())
		}
	}()
	<-done
}
