package ctxvar_test

// asyncio's task-context tests, ported: CPython's
// Lib/test/test_asyncio/test_tasks.py (BaseTaskTests.test_context_1 ..
// test_context_6, test_create_task_with_noncoroutine) and
// Lib/test/test_asyncio/test_context.py (DecimalContextTest), plus the
// call_soon(..., context=) behaviour of PEP 567's asyncio integration.
//
// Tasks become goroutines: asyncio.create_task / loop.create_task is
// ctxvar.Spawn (a copy of the creator's Context, taken at creation); a task
// given an explicit context= is a goroutine that calls ctx.Run; a callback
// scheduled with call_soon or add_done_callback (which copy the current
// Context at scheduling) is wrapped with ctxvar.Bind; the event loop is a
// goroutine started with a bare go statement that runs what it is given.

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// eventLoop is a goroutine that runs the callbacks it is given, in order, the
// way an asyncio event loop runs its ready queue. It is started with a bare go
// statement: it has no Context of its own to lend.
type eventLoop struct {
	jobs chan func()
	done chan struct{}
}

func newEventLoop(t *testing.T) *eventLoop {
	l := &eventLoop{jobs: make(chan func(), 16), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for f := range l.jobs {
			f()
		}
	}()
	t.Cleanup(l.close)
	return l
}

func (l *eventLoop) close() {
	select {
	case <-l.done:
		return
	default:
	}
	close(l.jobs)
	<-l.done
}

// callSoon schedules fn in a copy of the caller's current Context, as
// loop.call_soon(fn) does.
func (l *eventLoop) callSoon(fn func()) { l.jobs <- ctxvar.Bind(fn) }

// callSoonIn schedules fn to run in ctx itself, as loop.call_soon(fn,
// context=ctx) does.
func (l *eventLoop) callSoonIn(ctx *ctxvar.Context, fn func()) {
	l.jobs <- func() { ctx.Run(fn) }
}

// future is a minimal asyncio.Future: done callbacks run on the loop, each in
// a copy of the Context current when it was added (add_done_callback).
type future struct {
	loop *eventLoop
	mu   sync.Mutex
	cbs  []func()
	done chan struct{}
}

func newFuture(l *eventLoop) *future { return &future{loop: l, done: make(chan struct{})} }

func (f *future) addDoneCallback(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cbs = append(f.cbs, ctxvar.Bind(fn))
}

// setResult runs the done callbacks, then wakes the waiters. Call it on the loop.
func (f *future) setResult() {
	f.mu.Lock()
	cbs := f.cbs
	f.mu.Unlock()
	for _, cb := range cbs {
		cb()
	}
	close(f.done)
}

func (f *future) wait() { <-f.done }

// task runs fn on a goroutine made by Spawn and returns a channel closed when
// fn has returned: asyncio.create_task(coro) followed by await.
func task(fn func()) <-chan struct{} {
	done := make(chan struct{})
	ctxvar.Spawn(func() {
		defer close(done)
		fn()
	})
	return done
}

// Ports test_context_1: a task gets a copy of its creator's Context at
// creation; the creator's later Sets are invisible to it, and its Sets are
// invisible to the creator.
func TestTasksContext1(t *testing.T) {
	cvar := ctxvar.New("cvar", ctxvar.Default("nope"))

	mainDone := task(func() {
		if got := cvar.Get(); got != "nope" {
			t.Errorf("main: cvar = %q, want nope", got)
		}
		proceed := make(chan struct{})
		subtask := task(func() {
			<-proceed // await asyncio.sleep(0.01): main runs its Set first
			if got := cvar.Get(); got != "nope" {
				t.Errorf("sub: cvar = %q, want nope (the value at creation)", got)
			}
			cvar.Set("something else")
		})
		cvar.Set("yes")
		if got := cvar.Get(); got != "yes" {
			t.Errorf("main: cvar = %q, want yes", got)
		}
		close(proceed)
		<-subtask
		if got := cvar.Get(); got != "yes" {
			t.Errorf("main after await subtask: cvar = %q, want yes", got)
		}
	})
	<-mainDone
	wantGet(t, cvar, "nope")
}

// Ports test_context_2: done callbacks run in a copy of the task's Context
// taken at add_done_callback; their Sets do not pollute the task.
func TestTasksContext2(t *testing.T) {
	cvar := ctxvar.New("cvar", ctxvar.Default("nope"))
	loop := newEventLoop(t)

	<-task(func() {
		if got := cvar.Get(); got != "nope" {
			t.Errorf("main: cvar = %q, want nope", got)
		}
		want := "nope" // what the next done callback must see
		for j := range 2 {
			fut := newFuture(loop)
			seen := make(chan string, 1)
			fut.addDoneCallback(func() {
				seen <- cvar.Get()
				// This change must not pollute the context of main.
				cvar.Set("something else")
			})
			cvar.Set(fmt.Sprintf("yes%d", j))
			loop.callSoon(fut.setResult)
			fut.wait()
			if got := <-seen; got != want {
				t.Errorf("j=%d: done callback saw %q, want %q (the value at add_done_callback)", j, got, want)
			}
			if got, wantJ := cvar.Get(), fmt.Sprintf("yes%d", j); got != wantJ {
				t.Errorf("j=%d: after await fut: cvar = %q, want %q", j, got, wantJ)
			}
			for i := range 3 {
				// The task's Context survives blocking.
				v := fmt.Sprintf("yes%d-%d", i, j)
				cvar.Set(v)
				time.Sleep(time.Millisecond)
				if got := cvar.Get(); got != v {
					t.Errorf("i=%d j=%d: cvar = %q, want %q", i, j, got, v)
				}
				want = v
			}
		}
	})
	wantGet(t, cvar, "nope")
}

// Ports test_context_3: 100 tasks in parallel, each modifying cvar.
func TestTasksContext3(t *testing.T) {
	cvar := ctxvar.New("cvar", ctxvar.Default(-1))

	sub := func(num int) {
		for i := range 10 {
			cvar.Set(num + i)
			time.Sleep(time.Duration(rand.IntN(1000)) * time.Microsecond)
			if got := cvar.Get(); got != num+i {
				t.Errorf("task %d, step %d: cvar = %d, want %d", num, i, got, num+i)
			}
		}
	}
	<-task(func() {
		var tasks []<-chan struct{}
		for range 100 {
			num := rand.IntN(11)
			tasks = append(tasks, task(func() { sub(num) }))
		}
		for _, done := range tasks { // asyncio.gather(*tasks)
			<-done
		}
		if got := cvar.Get(); got != -1 {
			t.Errorf("main after gather: cvar = %d, want -1", got)
		}
	})
	wantGet(t, cvar, -1)
}

// explicitContextTask is the body of test_context_4 .. 6: two tasks run in
// the same explicit Context one after the other, each Setting cvar; the
// Context keeps their Sets. start runs a "task" in ctx and returns when it
// has finished.
func explicitContextTask(t *testing.T, start func(ctx *ctxvar.Context, fn func())) {
	t.Helper()
	cvar := ctxvar.New[int]("cvar")
	coro := func(val int) func() {
		return func() {
			time.Sleep(0) // await asyncio.sleep(0)
			cvar.Set(val)
		}
	}
	get := func(ctx *ctxvar.Context) string { // ctx.get(cvar)
		if v, ok := ctxvar.ValueIn(ctx, cvar); ok {
			return strconv.Itoa(v)
		}
		return "None"
	}

	var ret []string
	<-task(func() {
		ctx := ctxvar.Copy()
		ret = append(ret, get(ctx))
		start(ctx, coro(1))
		ret = append(ret, get(ctx))
		start(ctx, coro(2))
		ret = append(ret, get(ctx))
		// The task that passed ctx is not in it.
		if _, ok := cvar.Lookup(); ok {
			t.Error("main: cvar has a value; the tasks' Sets went to the wrong Context")
		}
	})
	if got := fmt.Sprint(ret); got != "[None 1 2]" {
		t.Fatalf("ret = %s, want [None 1 2]", got)
	}
}

// Ports test_context_4: self.new_task(loop, coro, context=ctx), the Task
// constructor: a goroutine (bare go, it owes nothing to its creator) that runs
// the coroutine in ctx.
func TestTasksContext4(t *testing.T) {
	explicitContextTask(t, func(ctx *ctxvar.Context, fn func()) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			ctx.Run(fn)
		}()
		<-done
	})
}

// Ports test_context_5: asyncio.create_task(coro, context=ctx): a Spawned
// goroutine that runs the coroutine in ctx rather than in its inherited copy.
func TestTasksContext5(t *testing.T) {
	explicitContextTask(t, func(ctx *ctxvar.Context, fn func()) {
		<-task(func() { ctx.Run(fn) })
	})
}

// Ports test_context_6: loop.create_task(coro, context=ctx): the coroutine's
// steps run on the loop, in ctx.
func TestTasksContext6(t *testing.T) {
	loop := newEventLoop(t)
	explicitContextTask(t, func(ctx *ctxvar.Context, fn func()) {
		done := make(chan struct{})
		loop.callSoonIn(ctx, func() {
			defer close(done)
			fn()
		})
		<-done
	})
}

// Ports test_create_task_with_noncoroutine ('a coroutine was expected, got
// 123'): Spawn, Bind and Run refuse a nil function, loudly and in the caller,
// not later on another goroutine.
func TestTasksCreateTaskWithNoncoroutine(t *testing.T) {
	for range 2 { // "test it for the second time"
		wantPanicIs(t, ctxvar.ErrNilFunc, func() { ctxvar.Spawn(nil) })
		wantPanicIs(t, ctxvar.ErrNilFunc, func() { ctxvar.Bind(nil) })
		wantPanicIs(t, ctxvar.ErrNilFunc, func() { ctxvar.Copy().Run(nil) })
	}
}

// Ports the call_soon(callback, context=ctx) behaviour (PEP 567, "asyncio"):
// a callback scheduled with an explicit Context runs in that Context and its
// Sets persist there; one scheduled without runs in a copy of the scheduler's
// Context taken at call_soon (loop.call_soon(copy_context().run, cb), which is
// ctxvar.Bind).
func TestTasksCallSoonWithContext(t *testing.T) {
	v := ctxvar.New[string]("var")
	loop := newEventLoop(t)

	tok1 := v.Set("test_value")
	ctx := ctxvar.Copy()
	tok2 := v.Set("different_value") // after the copy: the callback must not see it

	results := make(chan string, 4)
	loop.callSoonIn(ctx, func() {
		results <- v.Get()
		v.Set("set by callback")
	})
	if got := <-results; got != "test_value" {
		t.Fatalf("call_soon(cb, context=ctx): callback saw %q, want test_value", got)
	}
	loop.callSoonIn(ctx, func() { results <- v.Get() })
	if got := <-results; got != "set by callback" {
		t.Fatalf("second callback in ctx saw %q, want the first callback's Set", got)
	}

	// Without an explicit context: a snapshot of the caller at scheduling.
	cb := func() {
		results <- v.Get()
		v.Set("set by copied callback")
	}
	loop.callSoon(cb)
	tok3 := v.Set("after scheduling")
	if got := <-results; got != "different_value" {
		t.Fatalf("call_soon(cb): callback saw %q, want different_value", got)
	}
	v.Reset(tok3)

	// One Bind, called twice: each call starts from the snapshot.
	bound := ctxvar.Bind(cb)
	loop.jobs <- bound
	loop.jobs <- bound
	for i := range 2 {
		if got := <-results; got != "different_value" {
			t.Fatalf("call %d of a bound callback saw %q, want the snapshot's different_value", i, got)
		}
	}
	// The loop goroutine's own Context stays empty throughout.
	loop.jobs <- func() {
		_, ok := v.Lookup()
		results <- strconv.FormatBool(ok)
	}
	if got := <-results; got != "false" {
		t.Fatal("the loop goroutine kept a value after running callbacks")
	}

	wantGet(t, v, "different_value")
	wantValueIn(t, ctx, v, "set by callback")
	v.Reset(tok2)
	v.Reset(tok1)
}

// A callback that raises does not corrupt the loop's Context: when a bound
// function panics, its caller's Context is restored (asyncio's Handle._run
// leaves the context before reporting the exception).
func TestTasksCallbackPanicRestoresContext(t *testing.T) {
	v := ctxvar.New[string]("var")
	tok := v.Set("scheduler")
	bound := ctxvar.Bind(func() {
		v.Set("callback")
		panic("callback failed")
	})
	v.Reset(tok)

	tok = v.Set("caller")
	if r := panicValue(bound); r != "callback failed" {
		t.Fatalf("bound function panicked with %v, want the callback's panic", r)
	}
	wantGet(t, v, "caller")
	// And the same bound function can run again: it left its Context.
	if r := panicValue(bound); r != "callback failed" {
		t.Fatalf("second call panicked with %v", r)
	}
	wantGet(t, v, "caller")
	v.Reset(tok)
}

// Reset of a token in another task is an error, as in asyncio (the token was
// created in a different Context): each goroutine has its own Context.
func TestTasksResetTokenFromAnotherTask(t *testing.T) {
	v := ctxvar.New[int]("v")
	toks := make(chan *ctxvar.Token[int])
	release := make(chan struct{})
	child := task(func() {
		toks <- v.Set(1)
		<-release
		if got := v.Get(); got != 1 {
			t.Errorf("child: v = %d after the parent's failed Reset, want 1", got)
		}
	})
	tok := <-toks
	wantPanicIs(t, ctxvar.ErrTokenContext, func() { v.Reset(tok) })
	close(release)
	<-child
	wantUnset(t, v)

	// And the other way round: a parent's token cannot be reset in a child.
	ptok := v.Set(2)
	<-task(func() {
		if err := panicIs(ctxvar.ErrTokenContext, func() { v.Reset(ptok) }); err != nil {
			t.Errorf("child resetting the parent's token: %v", err)
		}
	})
	wantGet(t, v, 2)
	v.Reset(ptok)
}

// Ports test_asyncio/test_context.py DecimalContextTest
// test_asyncio_task_decimal_context: two gathered tasks each set their own
// precision and keep it across a suspension.
func TestAsyncioTaskDecimalContext(t *testing.T) {
	prec := ctxvar.New("decimal.prec", ctxvar.Default(28))
	var barrier sync.WaitGroup
	barrier.Add(2)

	fractions := func(d time.Duration, precision int, x, y float64) [2]string {
		tok := prec.Set(precision) // with decimal.localcontext() as ctx: ctx.prec = precision
		defer prec.Reset(tok)
		a := strconv.FormatFloat(x/y, 'g', prec.Get(), 64)
		barrier.Done()
		barrier.Wait() // both tasks have set their precision
		time.Sleep(d)
		b := strconv.FormatFloat(x/(y*y), 'g', prec.Get(), 64)
		return [2]string{a, b}
	}

	var r1, r2 [2]string
	<-task(func() {
		t1 := task(func() { r1 = fractions(time.Millisecond, 3, 1, 3) })
		t2 := task(func() { r2 = fractions(2*time.Millisecond, 6, 1, 3) })
		<-t1
		<-t2
		if got := prec.Get(); got != 28 {
			t.Errorf("main: prec = %d after gather, want 28", got)
		}
	})
	if r1 != [2]string{"0.333", "0.111"} {
		t.Fatalf("r1 = %v, want [0.333 0.111]", r1)
	}
	if r2 != [2]string{"0.333333", "0.111111"} {
		t.Fatalf("r2 = %v, want [0.333333 0.111111]", r2)
	}
}
