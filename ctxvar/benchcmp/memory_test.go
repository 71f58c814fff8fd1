package benchcmp

import (
	"context"
	"math"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudwego/localsession"
	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/timandy/routine"
)

// The memory rows measure what a live goroutine costs in heap: the live heap
// while memGoroutines goroutines of one kind are parked, less the same for
// as many bare goroutines that do nothing ctxvar-related, divided by
// memGoroutines. Goroutine stacks are not heap and count for no one.

// memGoroutines is the number of goroutines parked in each measurement.
const memGoroutines = 100_000

var (
	vMemRead = ctxvar.New[int]("bench.memory.read")
	vMemSet  = ctxvar.New[int]("bench.memory.set")

	routineMemRead = routine.NewInheritableThreadLocal[int]()
	routineMemSet  = routine.NewThreadLocal[int]()
)

// A park is the set of goroutines of one measurement. Every goroutine, of
// every kind, has the same shape: its kind's work (a read or a Set),
// p.park(), the undoing of that work, p.exit(). Each captures p alone, so
// their closures are alike too, and the kind's work and the way it was
// started are all that differs from the bare goroutines.
type park struct {
	ready, done sync.WaitGroup
	release     chan struct{}
	wrong       atomic.Int64 // readers that did not see the parent's value
}

// park tells the measurement the goroutine is ready and waits for the
// release.
func (p *park) park() {
	p.ready.Done()
	<-p.release
}

func (p *park) exit() { p.done.Done() }

// check counts a reader that read something else than the 1 set in its
// parent.
func (p *park) check(got int) {
	if got != 1 {
		p.wrong.Add(1)
	}
}

// The kinds of parked goroutine. Each undoes its Set after the release, so
// that no state outlives a measurement to weigh on the next: a bare
// goroutine's ctxvar state would otherwise wait for the sweeper, and a
// localsession session, never unbound, would stay in the manager for good.
func parkBare(p *park) {
	go func() {
		p.park()
		p.exit()
	}()
}

func parkSpawnReader(p *park) {
	ctxvar.Spawn(func() {
		p.check(vMemRead.Get())
		p.park()
		p.exit()
	})
}

func parkRoutineReader(p *park) {
	routine.Go(func() {
		p.check(routineMemRead.Get())
		p.park()
		p.exit()
	})
}

func parkLocalsessionReader(p *park) {
	localsession.Go(func() {
		x := 0
		if s, ok := localsession.CurSession(); ok {
			x, _ = s.Get(ctxKeys[0]).(int)
		}
		p.check(x)
		p.park()
		p.exit()
	})
}

func parkCtxvarSet(p *park) {
	go func() {
		tok := vMemSet.Set(1)
		p.park()
		vMemSet.Reset(tok)
		p.exit()
	}()
}

func parkRoutineSet(p *park) {
	go func() {
		routineMemSet.Set(1)
		p.park()
		routineMemSet.Remove()
		p.exit()
	}()
}

func parkLocalsessionSet(p *park) {
	go func() {
		localsession.BindSession(localsession.NewSessionCtx(context.Background()).WithValue(ctxKeys[0], 1))
		p.park()
		localsession.UnbindSession()
		p.exit()
	}()
}

// BenchmarkMemory reports the extra live heap per parked goroutine of each
// kind, in B/goroutine; its ns/op (the time one measurement takes) is
// dropped. run.sh runs each row with -benchtime 1x in a process of its own,
// so that every run is one measurement and none sees what an earlier one in
// the process kept: Go maps do not shrink, so localsession's session maps,
// once grown for memGoroutines goroutines, would make its entries free in
// every later measurement.
func BenchmarkMemory(b *testing.B) {
	// Readers: a child that only reads a value set in its parent, started
	// by each mechanism's way of passing values on.
	b.Run("Ctxvar/SpawnReader", func(b *testing.B) {
		defer vMemRead.Reset(vMemRead.Set(1))
		memRow(b, parkSpawnReader)
	})
	b.Run("Routine/GoReader", func(b *testing.B) {
		routineMemRead.Set(1)
		defer routineMemRead.Remove()
		memRow(b, parkRoutineReader)
	})
	b.Run("Localsession/GoReader", func(b *testing.B) {
		localsession.BindSession(localsession.NewSessionCtx(context.Background()).WithValue(ctxKeys[0], 1))
		defer localsession.UnbindSession()
		memRow(b, parkLocalsessionReader)
	})

	// Bare goroutines that set one value of their own and keep it while
	// parked.
	b.Run("Ctxvar/BareSet", func(b *testing.B) { memRow(b, parkCtxvarSet) })
	b.Run("Routine/BareSet", func(b *testing.B) { memRow(b, parkRoutineSet) })
	b.Run("Localsession/BareSet", func(b *testing.B) { memRow(b, parkLocalsessionSet) })
}

// warmGoroutines makes the runtime hold memGoroutines goroutine structures
// before the first measurement. The runtime never frees one: an exited
// goroutine's is kept for the next go statement. Without this, whichever
// measurement first parked memGoroutines goroutines would pay for them all.
var warmGoroutines sync.Once

// memRow measures kind b.N times against bare goroutines, each time with
// the baseline measured just before, and reports the mean difference per
// goroutine.
func memRow(b *testing.B, kind func(*park)) {
	warmGoroutines.Do(func() { parkedHeap(b, parkBare) })
	sum := 0.0
	for range b.N {
		base := parkedHeap(b, parkBare)
		got := parkedHeap(b, kind)
		sum += float64(got-base) / memGoroutines
	}
	b.ReportMetric(sum/float64(b.N), "B/goroutine")
	b.ReportMetric(0, "ns/op") // the time a measurement takes says nothing
}

// parkedHeap starts memGoroutines goroutines with start, and returns how
// much the live heap grew from before they were started to while they are
// all parked. It releases them and waits for them before it returns.
func parkedHeap(b *testing.B, start func(*park)) int64 {
	p := &park{release: make(chan struct{})}
	p.ready.Add(memGoroutines)
	p.done.Add(memGoroutines)
	before := settledHeap()
	for range memGoroutines {
		start(p)
	}
	p.ready.Wait()
	parked := settledHeap()
	close(p.release)
	p.done.Wait()
	if n := p.wrong.Load(); n > 0 {
		b.Errorf("%d of %d readers did not see the value set in their parent", n, memGoroutines)
	}
	return parked - before
}

// Settling: the live heap is read after a collection; settledHeap collects
// until two readings in a row agree within settleSlack, at least
// settleMinGCs and at most settleMaxGCs times.
const (
	settleMinGCs = 3
	settleMaxGCs = 10
	settleSlack  = 16 << 10 // 0.16 B/goroutine at memGoroutines
)

var liveHeapSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// settledHeap returns the live heap, in bytes, as the last collection
// marked it. Between collections it sleeps a moment, so that what a
// collection queues runs before the next one: cleanups and finalizers
// (ctxvar shrinks its registry in one, routine frees its goroutine records
// in another), or ctxvar's sweeper, whose dump of every goroutine is large
// while it lasts. It returns the smallest reading, so that such passing
// garbage, live at one collection, does not count.
func settledHeap() int64 {
	best, prev := int64(math.MaxInt64), int64(-1)
	for i := range settleMaxGCs {
		runtime.GC()
		metrics.Read(liveHeapSample)
		h := int64(liveHeapSample[0].Value.Uint64())
		best = min(best, h)
		if i+1 >= settleMinGCs && prev >= 0 && max(h-prev, prev-h) <= settleSlack {
			break
		}
		prev = h
		time.Sleep(time.Millisecond)
	}
	return best
}
