// Package routine ports the tests of github.com/timandy/routine, a
// goroutine-local storage library, to ctxvar. Its InheritableThreadLocal
// becomes a Var, routine.Go and GoWait, which copy the inheritable values
// into the new goroutine, become helpers built on ctxvar.Spawn (spawners),
// WrapTask becomes ctxvar.Bind, Remove a Reset. A bare go statement
// inherits nothing in both libraries; where routine's tests assert that,
// the ported test reads the Var on a bare goroutine, which barego reports.
// The helpers a first port might write with go instead of Spawn are
// launchers: their callers' functions run with an empty Context.
package routine

import (
	"sync"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

type Person struct {
	ID   int
	Name string
}

var (
	tls    = ctxvar.New[string]("tls")
	tls2   = ctxvar.New("tls2", ctxvar.Default("Hello"))
	num    = ctxvar.New[int]("num")
	person = ctxvar.New[*Person]("person")
)

func sink(...any) {}

// CancelToken is handed to the functions of GoWait.
type CancelToken interface {
	IsCanceled() bool
	Cancel()
}

type Runnable func()

type CancelRunnable func(token CancelToken)

type Callable[T any] func() T

// Future is the result of GoWait.
type Future struct {
	done     chan struct{}
	canceled bool
	mu       sync.Mutex
}

func (f *Future) IsCanceled() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.canceled
}

func (f *Future) Cancel() {
	f.mu.Lock()
	f.canceled = true
	f.mu.Unlock()
}

func (f *Future) Get() { <-f.done }

// Go runs fn on a new goroutine in a copy of the caller's Context.
func Go(fn Runnable) {
	ctxvar.Spawn(fn)
}

// GoWait runs fn on a new goroutine in a copy of the caller's Context and
// returns a Future to wait for it.
func GoWait(fn CancelRunnable) *Future {
	f := &Future{done: make(chan struct{})}
	ctxvar.Spawn(func() {
		defer close(f.done)
		fn(f)
	})
	return f
}

// WrapTask captures the caller's Context now; the task runs in it wherever
// it is called.
func WrapTask(fn Runnable) Runnable {
	return ctxvar.Bind(fn)
}

// GoBare and GoWaitBare are Go and GoWait as a port that kept the go
// statement wrote them: launchers.
func GoBare(fn func()) {
	go fn()
}

func GoWaitBare(fn CancelRunnable) *Future {
	f := &Future{done: make(chan struct{})}
	go func() {
		defer close(f.done)
		fn(f)
	}()
	return f
}

// ThreadLocal is routine's interface, which *ctxvar.Var satisfies.
type ThreadLocal[T any] interface {
	Get() T
	Set(T) *ctxvar.Token[T]
	Reset(*ctxvar.Token[T])
}

// readLocal reads any ThreadLocal, through a type parameter.
func readLocal[L ThreadLocal[string]](l L) string {
	return l.Get()
}

// readIface reads any ThreadLocal, through the interface.
func readIface(l ThreadLocal[int]) int {
	return l.Get()
}

// setLocal sets any ThreadLocal and hands back the token.
func setLocal[T any, L ThreadLocal[T]](l L, v T) *ctxvar.Token[T] {
	return l.Set(v) // ok: losttoken [typeparam-constraint]
}

// Executor runs tasks on workers that its constructor starts: the workers
// outlive every caller, and their Context is empty. A task must be bound
// to its submitter's Context.
type Executor struct {
	tasks chan func()
	wg    sync.WaitGroup
}

func NewExecutor(n int) *Executor {
	e := &Executor{tasks: make(chan func())}
	for range n {
		e.wg.Add(1)
		go e.worker() // ok: barego [worker-ctor]
	}
	return e
}

func (e *Executor) worker() {
	defer e.wg.Done()
	for task := range e.tasks {
		task()
	}
}

// Submit hands the task to a worker: it runs on another goroutine.
func (e *Executor) Submit(task func()) {
	e.tasks <- task
}

func (e *Executor) Close() {
	close(e.tasks)
	e.wg.Wait()
}

// Metrics reports on a goroutine that its constructor starts, and that
// reads the Context on every tick.
type Metrics struct{ stop chan struct{} }

func NewMetrics() *Metrics {
	m := &Metrics{stop: make(chan struct{})}
	go m.report() // mistake: barego [worker-ctor]
	return m
}

func NewMetricsSpawned() *Metrics {
	m := &Metrics{stop: make(chan struct{})}
	ctxvar.Spawn(m.report) // ok: barego [worker-ctor]
	return m
}

func (m *Metrics) report() {
	for {
		select {
		case <-time.After(time.Second):
			sink(tls2.Get())
		case <-m.stop:
			return
		}
	}
}
