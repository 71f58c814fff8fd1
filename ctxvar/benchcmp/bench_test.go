package benchcmp

import (
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cloudwego/localsession"
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

func init() {
	// localsession keeps its sessions in a manager that must exist before
	// any of its calls; without it they silently do nothing.
	localsession.InitDefaultManager(localsession.DefaultManagerOptions())
}

// The ways the benchmarks start a goroutine. The rows that compare them
// take one as a value, so that how the goroutine is started is all that
// differs between them: the same closure, passed the same way.
func goStmt(f func())       { go f() }
func spawnStart(f func())   { ctxvar.Spawn(f) }
func routineStart(f func()) { routine.Go(f) }
func lsStart(f func())      { localsession.Go(f) }

// onGoroutine runs fn on a goroutine started by start and waits for it.
func onGoroutine(start func(func()), fn func()) {
	done := make(chan struct{})
	start(func() {
		defer close(done)
		fn()
	})
	<-done
}

// goWait times b.N starts of a goroutine by start, each waited for with a
// WaitGroup: the shape every spawn-and-wait row shares.
func goWait(b *testing.B, start func(func())) {
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		wg.Add(1)
		start(func() { wg.Done() })
		wg.Wait()
	}
}

// setScenarios are the two prior states of the Set+Reset rows, as in
// Python's two timeit setups: the Var has no value before the loop, or it
// was set (to 0) once before the loop. Nothing else is set either way.
var setScenarios = []struct {
	name string
	set  bool
}{{"Unset", false}, {"Set", true}}

// setResetLoop times b.N v.Reset(v.Set(1)) of vSetReset on the calling
// goroutine, after checking that the Var's value is the scenario's: 0 when
// set, none when not. It reports a wrong prior state with b.Error, which
// (unlike b.Fatal) may be called from any goroutine.
func setResetLoop(b *testing.B, set bool) {
	if x, ok := vSetReset.Lookup(); ok != set || x != 0 {
		b.Errorf("before the loop vSetReset is %v (set: %v); want the scenario's prior state, set: %v", x, ok, set)
		return
	}
	b.ResetTimer()
	for range b.N {
		vSetReset.Reset(vSetReset.Set(1))
	}
	b.StopTimer()
}

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

	// v.Reset(v.Set(1)) in the three kinds of goroutine, in each prior
	// state. The benchmark goroutine has nothing set, so a goroutine it
	// starts, and a new Context, start empty.
	for _, sc := range setScenarios {
		// A bare goroutine: the value, when set, is set on it.
		b.Run("SetReset/"+sc.name+"/Bare", func(b *testing.B) {
			b.ReportAllocs()
			onGoroutine(goStmt, func() {
				if sc.set {
					defer vSetReset.Reset(vSetReset.Set(0))
				}
				setResetLoop(b, sc.set)
			})
		})
		// A Spawn'd goroutine: the value, when set, is set in the parent
		// and inherited, the usual way a Spawn'd goroutine has a value.
		b.Run("SetReset/"+sc.name+"/Spawn", func(b *testing.B) {
			b.ReportAllocs()
			if sc.set {
				defer vSetReset.Reset(vSetReset.Set(0))
			}
			onGoroutine(spawnStart, func() { setResetLoop(b, sc.set) })
		})
		// Inside Run of a new, empty Context: the value, when set, is set
		// inside the Run.
		b.Run("SetReset/"+sc.name+"/Run", func(b *testing.B) {
			b.ReportAllocs()
			new(ctxvar.Context).Run(func() {
				if sc.set {
					defer vSetReset.Reset(vSetReset.Set(0))
				}
				setResetLoop(b, sc.set)
			})
		})
	}

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
	// set) and wait for it, in the shape of every spawn-and-wait row.
	b.Run("SpawnWait", func(b *testing.B) {
		b.ReportAllocs()
		tok := vSpawn.Set(1)
		defer vSpawn.Reset(tok)
		goWait(b, spawnStart)
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

// ctxKeys are boxed once so that the lookups do not convert keys. They are
// the keys of context.WithValue and of localsession's sessions (which are
// context.Contexts underneath).
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
	routineSR  = routine.NewThreadLocal[int]()
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

	// The Set+Reset rows' work on a bare goroutine. A ThreadLocal has no
	// token: with no value before the loop, the value set is removed; with
	// one, the old value is read first and set back, which is what Reset
	// does with the value its token kept.
	b.Run("SetReset/Unset", func(b *testing.B) {
		b.ReportAllocs()
		onGoroutine(goStmt, func() {
			b.ResetTimer()
			for range b.N {
				routineSR.Set(1)
				routineSR.Remove()
			}
			b.StopTimer()
		})
	})
	b.Run("SetReset/Set", func(b *testing.B) {
		b.ReportAllocs()
		onGoroutine(goStmt, func() {
			routineSR.Set(0)
			defer routineSR.Remove()
			b.ResetTimer()
			for range b.N {
				old := routineSR.Get()
				routineSR.Set(1)
				routineSR.Set(old)
			}
			b.StopTimer()
		})
	})

	// routine.Go copies the inheritable thread locals, like Spawn copies
	// the Context; one is set in the parent.
	b.Run("GoWait", func(b *testing.B) {
		b.ReportAllocs()
		routineGo.Set(1)
		defer routineGo.Remove()
		goWait(b, routineStart)
	})
}

// BenchmarkLocalsession is the session peer, github.com/cloudwego/localsession:
// a goroutine's values are an immutable Session (a context.Context
// underneath) that the default manager maps the goroutine's id to.
// Setting a key binds a new Session derived from the current one; restoring
// binds the old one again.
func BenchmarkLocalsession(b *testing.B) {
	// The Set+Reset rows' work on a bare goroutine that has a session bound
	// (without the key, or with it set to 0) before the loop: the
	// current goroutine's session is read, one key set in a derived session
	// bound, and the old session bound back.
	for _, sc := range setScenarios {
		b.Run("SetReset/"+sc.name, func(b *testing.B) {
			b.ReportAllocs()
			s := localsession.Session(localsession.NewSessionCtx(context.Background()))
			if sc.set {
				s = s.WithValue(ctxKeys[0], 0)
			}
			onGoroutine(goStmt, func() {
				localsession.BindSession(s)
				defer localsession.UnbindSession()
				b.ResetTimer()
				for range b.N {
					cur, _ := localsession.CurSession()
					localsession.BindSession(cur.WithValue(ctxKeys[0], 1))
					localsession.BindSession(cur)
				}
				b.StopTimer()
			})
		})
	}

	// localsession.Go binds the caller's session in the new goroutine; the
	// parent has one with one key set.
	b.Run("GoWait", func(b *testing.B) {
		b.ReportAllocs()
		localsession.BindSession(localsession.NewSessionCtx(context.Background()).WithValue(ctxKeys[0], 1))
		defer localsession.UnbindSession()
		goWait(b, lsStart)
	})
}

// BenchmarkBareGoWait is the floor for the spawn-and-wait rows: a bare go
// statement, same shape. The parent has a Var set, as in SpawnWait, though a
// bare goroutine does not see it.
func BenchmarkBareGoWait(b *testing.B) {
	b.ReportAllocs()
	tok := vSpawn.Set(1)
	defer vSpawn.Reset(tok)
	goWait(b, goStmt)
}
