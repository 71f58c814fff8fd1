package benchcmp

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/timandy/routine"
)

// Sinks keep the compiler from dropping the measured calls. Loops accumulate
// into a local and store it once at the end, so the store is not measured.
var (
	sinkInt  int
	sinkBool bool
	sinkCtx  *ctxvar.Context
	sinkPar  atomic.Int64
)

// The Vars used by the benchmarks. Each benchmark has its own Var so that a
// leftover value from one benchmark can never change another's work.
var (
	vGet      = ctxvar.New[int]("bench.get")
	vGetOr    = ctxvar.New[int]("bench.getor")
	vLookup   = ctxvar.New[int]("bench.lookup")
	vSetReset = ctxvar.New[int]("bench.setreset")
	vSpawn    = ctxvar.New[int]("bench.spawn")
	vLive     = ctxvar.New[int]("bench.live")
	vPar      = ctxvar.New[int]("bench.parallel")
)

// manyVars are the Vars set for the Copy/Vars=N benchmarks.
var manyVars = func() []*ctxvar.Var[int] {
	vs := make([]*ctxvar.Var[int], 1000)
	for i := range vs {
		vs[i] = ctxvar.New[int]("bench.copy." + strconv.Itoa(i))
	}
	return vs
}()

// BenchmarkCtxvar measures the ctxvar runtime.
func BenchmarkCtxvar(b *testing.B) {
	// Get, GetOr and Lookup of a Var that has a value in the current Context
	// (set on the benchmark goroutine itself, which testing starts with a
	// bare go statement).
	b.Run("Get", func(b *testing.B) {
		b.ReportAllocs()
		tok := vGet.Set(1)
		defer vGet.Reset(tok)
		s := 0
		b.ResetTimer()
		for range b.N {
			s += vGet.Get()
		}
		sinkInt = s
	})
	b.Run("GetOr", func(b *testing.B) {
		b.ReportAllocs()
		tok := vGetOr.Set(1)
		defer vGetOr.Reset(tok)
		s := 0
		b.ResetTimer()
		for range b.N {
			s += vGetOr.GetOr(2)
		}
		sinkInt = s
	})
	b.Run("Lookup", func(b *testing.B) {
		b.ReportAllocs()
		tok := vLookup.Set(1)
		defer vLookup.Reset(tok)
		s, all := 0, true
		b.ResetTimer()
		for range b.N {
			x, ok := vLookup.Lookup()
			s += x
			all = all && ok
		}
		sinkInt, sinkBool = s, all
	})

	// v.Reset(v.Set(1)) in three places: inside Context.Run, on a goroutine
	// started by Spawn from a Context with another Var set, and on a
	// goroutine started by a bare go statement, whose Context is empty
	// before each Set.
	setReset := func(b *testing.B) {
		for range b.N {
			vSetReset.Reset(vSetReset.Set(1))
		}
	}
	b.Run("SetReset/Run", func(b *testing.B) {
		b.ReportAllocs()
		ctxvar.Copy().Run(func() {
			b.ResetTimer()
			setReset(b)
			b.StopTimer()
		})
	})
	b.Run("SetReset/Spawn", func(b *testing.B) {
		b.ReportAllocs()
		// The parent has a value, so the child starts in a non-empty copy:
		// the usual case for a Spawn'd goroutine.
		ptok := vSpawn.Set(1)
		defer vSpawn.Reset(ptok)
		done := make(chan struct{})
		ctxvar.Spawn(func() {
			defer close(done)
			b.ResetTimer()
			setReset(b)
			b.StopTimer()
		})
		<-done
	})
	b.Run("SetReset/Bare", func(b *testing.B) {
		b.ReportAllocs()
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.ResetTimer()
			setReset(b)
			b.StopTimer()
		}()
		<-done
	})

	// Copy() of the current Context with 1 and with 1000 Vars set. Copy is
	// meant to be O(1), so both should cost the same.
	for _, n := range []int{1, 1000} {
		b.Run("Copy/Vars="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			ctxvar.Copy().Run(func() {
				for i, v := range manyVars[:n] {
					v.Set(i) // persists in the Context being run; dropped with it
				}
				var c *ctxvar.Context
				b.ResetTimer()
				for range b.N {
					c = ctxvar.Copy()
				}
				b.StopTimer()
				sinkCtx = c
			})
		})
	}

	// Spawn a goroutine (copying the caller's Context, which has one Var
	// set) and wait for it. Same WaitGroup shape as BenchmarkBareGoWait and
	// BenchmarkRoutine/GoWait.
	b.Run("SpawnWait", func(b *testing.B) {
		b.ReportAllocs()
		tok := vSpawn.Set(1)
		defer vSpawn.Reset(tok)
		b.ResetTimer()
		for range b.N {
			var wg sync.WaitGroup
			wg.Add(1)
			ctxvar.Spawn(func() { wg.Done() })
			wg.Wait()
		}
	})

	// Get while n other goroutines are alive, each holding its own Context
	// (started with Spawn from a Context with vLive set, then Set again),
	// parked on a channel. The cost of Get must not depend on n.
	for _, n := range []int{0, 100_000} {
		b.Run("GetLive/Goroutines="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			release := make(chan struct{})
			var ready, done sync.WaitGroup
			ready.Add(n)
			done.Add(n)
			ptok := vLive.Set(-1)
			for i := range n {
				ctxvar.Spawn(func() {
					tok := vLive.Set(i)
					ready.Done()
					<-release
					vLive.Reset(tok)
					done.Done()
				})
			}
			ready.Wait()
			tok := vLive.Set(1)
			runtime.GC() // do not time a collection of the setup's garbage
			s := 0
			b.ResetTimer()
			for range b.N {
				s += vLive.Get()
			}
			b.StopTimer()
			sinkInt = s
			vLive.Reset(tok)
			close(release)
			done.Wait()
			vLive.Reset(ptok)
		})
	}
}

// BenchmarkParallel measures Get under b.RunParallel; run.sh runs it with
// -cpu 1,2 so the scaling shows. Each RunParallel worker is a fresh goroutine
// that sets its own value first. ContextValue is the control: a read of an
// immutable context.Context chain, which should scale perfectly.
func BenchmarkParallel(b *testing.B) {
	b.Run("CtxvarGet", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			tok := vPar.Set(1)
			s := 0
			for pb.Next() {
				s += vPar.Get()
			}
			vPar.Reset(tok)
			sinkPar.Add(int64(s))
		})
	})
	b.Run("ContextValue", func(b *testing.B) {
		b.ReportAllocs()
		ctx := ctxChain(1)
		b.RunParallel(func(pb *testing.PB) {
			s := 0
			for pb.Next() {
				s += ctx.Value(ctxKeys[0]).(int)
			}
			sinkPar.Add(int64(s))
		})
	})
}

type ctxKey int

// ctxKeys are boxed once so that the lookups do not convert keys.
var ctxKeys = func() []any {
	ks := make([]any, 10)
	for i := range ks {
		ks[i] = ctxKey(i)
	}
	return ks
}()

// ctxChain returns a chain of depth context.WithValue nodes over Background,
// ctxKeys[0] added first (the node farthest from the returned Context).
func ctxChain(depth int) context.Context {
	ctx := context.Background()
	for i := range depth {
		ctx = context.WithValue(ctx, ctxKeys[i], i+1)
	}
	return ctx
}

// BenchmarkContextValue is the standard-library baseline: Value on a chain
// of WithValue nodes, looking up the first-added key (ctxKeys[0]), which is
// the deepest: depth nodes are walked.
func BenchmarkContextValue(b *testing.B) {
	for _, depth := range []int{1, 10} {
		b.Run("Depth="+strconv.Itoa(depth), func(b *testing.B) {
			b.ReportAllocs()
			ctx := ctxChain(depth)
			s := 0
			b.ResetTimer()
			for range b.N {
				s += ctx.Value(ctxKeys[0]).(int)
			}
			sinkInt = s
		})
	}
}

var (
	routineTL  = routine.NewThreadLocal[int]()
	routineITL = routine.NewInheritableThreadLocal[int]()
	routineGo  = routine.NewInheritableThreadLocal[int]()
)

// BenchmarkRoutine is the goroutine-local-storage peer,
// github.com/timandy/routine.
func BenchmarkRoutine(b *testing.B) {
	b.Run("ThreadLocalGet", func(b *testing.B) {
		b.ReportAllocs()
		routineTL.Set(1)
		defer routineTL.Remove()
		s := 0
		b.ResetTimer()
		for range b.N {
			s += routineTL.Get()
		}
		sinkInt = s
	})
	b.Run("InheritableThreadLocalGet", func(b *testing.B) {
		b.ReportAllocs()
		routineITL.Set(1)
		defer routineITL.Remove()
		s := 0
		b.ResetTimer()
		for range b.N {
			s += routineITL.Get()
		}
		sinkInt = s
	})
	// routine.Go copies the inheritable thread locals, like Spawn copies
	// the Context; one is set in the parent.
	b.Run("GoWait", func(b *testing.B) {
		b.ReportAllocs()
		routineGo.Set(1)
		defer routineGo.Remove()
		b.ResetTimer()
		for range b.N {
			var wg sync.WaitGroup
			wg.Add(1)
			routine.Go(func() { wg.Done() })
			wg.Wait()
		}
	})
}

// BenchmarkBareGoWait is the floor for SpawnWait and routine GoWait: a bare
// go statement, same WaitGroup shape.
func BenchmarkBareGoWait(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { wg.Done() }()
		wg.Wait()
	}
}
