// Command stall checks that ctxvar's per-goroutine registry does not stall the
// operations that write it while the process is under load.
//
// The scenario, the same for every implementation: 50,000 parked goroutines
// that hold a value (half started by the implementation's spawn from a
// goroutine with a value set, half bare goroutines that set a value and never
// reset it), 100 goroutines spinning on the CPU (each calls runtime.Gosched
// after 1 ms of spinning, -spin-yield), and churners that keep starting and
// ending batches of goroutines (half spawned, half bare with a value set and
// not reset), so that the registry keeps inserting, removing, growing and
// shrinking. GOMAXPROCS is left as the machine has it. Meanwhile 4 bare
// measurer goroutines (2 per kind of operation) time single operations with
// time.Now and record every latency in a histogram; each times operations for
// 200 µs in a row, then sleeps 100 µs, which keeps it out of the run queue
// behind the spinners (-burst, -pause):
//
//   - Set+Reset from an empty Context: v.Reset(v.Set(i)) in a bare goroutine
//     with nothing set (each iteration of the loop starts empty again);
//   - the Spawn call itself, from a goroutine with a value set;
//   - Spawn+exit: Spawn(fn), the child runs fn (which calls wg.Done) and
//     exits, as observed by the parent's wg.Wait. The child's own exit work
//     after fn returns cannot be observed through the public API; it is
//     included only in so far as it delays the parent or the next operation.
//
// Each implementation runs the same scenario in its own phase: phases in turn,
// each 0.3 s of warm-up then 2 s measured, in 2 rounds (by default ctxvar last
// in each round, so that work it leaves behind cannot slow the baselines), with
// runtime.GC forced between phases. The implementations:
// ctxvar; a map sharded 64 ways, each shard a map[goroutine id]*state behind a
// sync.Mutex, with ids from routine.Goid (insert on Set from empty, delete on
// Reset; its "spawn" copies the parent's state pointer into a bare go whose
// child inserts it and deletes it when fn returns; its bare goroutines delete
// their entry when they exit, as if something told the map); the same with one
// map behind one mutex; timandy/routine ThreadLocal Set/Remove with routine.Go
// and an InheritableThreadLocal for spawning; and bare go with no context at
// all (its Set+Reset row times an empty operation: the timer's own floor).
//
// Run it from ctxvar/benchcmp:
//
//	go run ./cmd/stall                 # about 35 s on 2 cores
//	go run ./cmd/stall -strict         # exit status 1 when a target fails
//	go run ./cmd/stall -h              # the knobs of the scenario
//
// Targets, each computed from numbers measured in the same run: for each of
// the three operations, ctxvar's p99 ≤ 50 µs, and ctxvar's p99 ≤ 10× the
// sharded map's p99 of the corresponding operation (Set+Reset against insert
// and delete; Spawn and Spawn+exit against bare go with map insert and
// delete). A percentile counts operations, and a measurer that a stall
// holds up does few of them, so for each operation ctxvar's time spent in
// operations of 1 ms or more must also be ≤ 1.5× the sharded map's. Every
// spawned child must also see its parent's value.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/benchcmp/internal/mdreport"
	"github.com/timandy/routine"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// config is the scenario, from the flags.
type config struct {
	goroutines  int
	spawnedFrac float64
	spinners    int
	spinYield   time.Duration
	measurers   int
	churners    int
	churnBatch  int
	burst       time.Duration
	pause       time.Duration
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	impls       []string
	strict      bool
	loadavg     string
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("stall", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	var impls string
	fs.IntVar(&cfg.goroutines, "goroutines", 50000, "parked goroutines holding a value during each phase")
	fs.Float64Var(&cfg.spawnedFrac, "spawned", 0.5, "fraction of the parked goroutines started by spawn (the rest are bare goroutines that set a value without resetting it)")
	fs.IntVar(&cfg.spinners, "spinners", 100, "goroutines spinning on the CPU during each phase")
	fs.DurationVar(&cfg.spinYield, "spin-yield", time.Millisecond, "a spinner calls runtime.Gosched after spinning this long (0: never; the runtime then preempts it every 10-20 ms, and a goroutine that waits in the run queue behind 100 spinners waits about a second, which leaves the measurers too few samples)")
	fs.IntVar(&cfg.measurers, "measurers", 4, "measurer goroutines: half time Set+Reset, half time spawn (at least one of each)")
	fs.IntVar(&cfg.churners, "churners", 2, "goroutines that keep starting and ending batches of goroutines (0: no churn)")
	fs.DurationVar(&cfg.burst, "burst", 200*time.Microsecond, "how long a measurer times operations in a row before it sleeps for -pause")
	fs.DurationVar(&cfg.pause, "pause", 100*time.Microsecond, "sleep between a measurer's bursts: a measurer that never blocks would get the CPU only once per round of the spinners' time slices")
	fs.IntVar(&cfg.churnBatch, "churn-batch", 4000, "goroutines per churn batch (half spawned, half bare with a value set); all of a batch are alive before it ends")
	fs.DurationVar(&cfg.duration, "duration", 2*time.Second, "measured time per implementation per round")
	fs.DurationVar(&cfg.warmup, "warmup", 300*time.Millisecond, "unmeasured time before each measured phase, with the full load")
	fs.IntVar(&cfg.rounds, "rounds", 2, "rounds; each runs every implementation's phase once")
	fs.StringVar(&impls, "impls", "none,routine,mutexmap,sharded,ctxvar", "implementations to run, in this order in each round (ctxvar and sharded are needed for the targets)")
	fs.BoolVar(&cfg.strict, "strict", false, "exit with status 1 when a target fails")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "stall: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if cfg.goroutines < 0 || cfg.spinners < 0 || cfg.spinYield < 0 || cfg.churners < 0 || cfg.churnBatch < 2 ||
		cfg.measurers < 2 || cfg.burst <= 0 || cfg.pause < 0 || cfg.rounds < 1 || cfg.duration <= 0 || cfg.warmup < 0 ||
		cfg.spawnedFrac < 0 || cfg.spawnedFrac > 1 {
		fmt.Fprintln(stderr, "stall: invalid flag values (need -measurers ≥ 2, -churn-batch ≥ 2, -rounds ≥ 1, -duration > 0, 0 ≤ -spawned ≤ 1)")
		return 2
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(impls, ",") {
		name = strings.TrimSpace(name)
		if implByKey(name) == nil || seen[name] {
			fmt.Fprintf(stderr, "stall: unknown or repeated implementation %q in -impls (known: %s)\n", name, knownImpls())
			return 2
		}
		seen[name] = true
		cfg.impls = append(cfg.impls, name)
	}

	cfg.loadavg = mdreport.LoadAverage()
	results := make(map[string]*phaseResult)
	for r := 1; r <= cfg.rounds; r++ {
		for _, key := range cfg.impls {
			im := implByKey(key)
			fmt.Fprintf(stderr, "stall: round %d/%d: %s\n", r, cfg.rounds, im.name)
			res := runPhase(im, &cfg)
			if prev := results[key]; prev != nil {
				prev.merge(res)
			} else {
				results[key] = res
			}
			quiesce()
		}
	}
	failed := report(stdout, &cfg, results)
	if cfg.strict && failed > 0 {
		return 1
	}
	return 0
}

// quiesce runs between phases: it forces garbage collections, with pauses for
// the cleanups and finalizers they queue, so that one phase's garbage and
// deferred work land as little as possible in the next.
func quiesce() {
	for range 2 {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
	}
}

// ---------------------------------------------------------------------------
// The operations and the implementations.

type op int

const (
	opSetReset op = iota
	opSpawnCall
	opSpawnExit
	numOps
)

var opNames = [numOps]string{"Set+Reset from empty", "Spawn call", "Spawn+exit (wait)"}

// impl is one implementation of per-goroutine values under test. Every phase
// uses only these functions, so every implementation gets the same scenario.
type impl struct {
	key  string
	name string
	// does says, for each operation, what is timed.
	does [numOps]string
	// setReset sets a value in a goroutine that has none and undoes it.
	setReset func(x int)
	// setLeave sets a value and leaves it set.
	setLeave func(x int)
	// enter gives the calling (bare) goroutine a value for its spawned
	// children to inherit; undo removes it.
	enter func(x int) (undo func())
	// spawn starts fn on a new goroutine that inherits the caller's value.
	spawn func(fn func())
	// get returns the value the calling goroutine sees; nil: the
	// implementation has nothing to check.
	get func() int
	// bareExit is called by a bare goroutine that set a value, just before
	// it exits.
	bareExit func()
	// fresh, if not nil, drops all state before a phase.
	fresh func()
}

var impls = []*impl{ctxvarImpl(), shardedImpl("sharded", 64), shardedImpl("mutexmap", 1), routineImpl(), noneImpl()}

func implByKey(key string) *impl {
	for _, im := range impls {
		if im.key == key {
			return im
		}
	}
	return nil
}

func knownImpls() string {
	var ks []string
	for _, im := range impls {
		ks = append(ks, im.key)
	}
	return strings.Join(ks, ", ")
}

var vStall = ctxvar.New[int]("stall.value")

func ctxvarImpl() *impl {
	return &impl{
		key:  "ctxvar",
		name: "ctxvar",
		does: [numOps]string{
			"`v.Reset(v.Set(i))`, bare goroutine, empty Context",
			"`ctxvar.Spawn(fn)` from a goroutine with a Var set",
			"`ctxvar.Spawn(fn)`; fn calls `wg.Done()`; parent `wg.Wait()`",
		},
		setReset: func(x int) { vStall.Reset(vStall.Set(x)) },
		setLeave: func(x int) {
			vStall.Set(x) // no Reset: the goroutine exits with the value set
		},
		enter: func(x int) func() {
			tok := vStall.Set(x)
			return func() { vStall.Reset(tok) }
		},
		spawn:    ctxvar.Spawn,
		get:      func() int { return vStall.GetOr(-1) },
		bareExit: func() {},
	}
}

// state is what the map baselines keep per goroutine. A state is never
// changed once published, so a child may share its parent's.
type state struct{ val int }

// shard is one mutex-protected map, padded to its own cache lines.
type shard struct {
	mu sync.Mutex
	m  map[uint64]*state
	_  [64 - 8 - 8]byte
}

// shardedMap maps goroutine ids (from routine.Goid) to states.
type shardedMap struct {
	shards []shard
	mask   uint64
}

func newShardedMap(n int) *shardedMap {
	if n&(n-1) != 0 {
		panic("shard count must be a power of two")
	}
	sm := &shardedMap{shards: make([]shard, n), mask: uint64(n - 1)}
	for i := range sm.shards {
		sm.shards[i].m = make(map[uint64]*state)
	}
	return sm
}

func (sm *shardedMap) insert(id uint64, st *state) {
	s := &sm.shards[id&sm.mask]
	s.mu.Lock()
	s.m[id] = st
	s.mu.Unlock()
}

func (sm *shardedMap) remove(id uint64) {
	s := &sm.shards[id&sm.mask]
	s.mu.Lock()
	delete(s.m, id)
	s.mu.Unlock()
}

func (sm *shardedMap) lookup(id uint64) *state {
	s := &sm.shards[id&sm.mask]
	s.mu.Lock()
	st := s.m[id]
	s.mu.Unlock()
	return st
}

func shardedImpl(key string, n int) *impl {
	// Each phase gets a fresh map (see fresh), so that no phase inherits
	// another's map size.
	var cur atomic.Pointer[shardedMap]
	cur.Store(newShardedMap(n))
	m := func() *shardedMap { return cur.Load() }
	name := fmt.Sprintf("sharded map (%d× mutex+map)", n)
	what := fmt.Sprintf("%d shards", n)
	if n == 1 {
		name = "one map, one mutex"
		what = "1 shard"
	}
	im := &impl{
		key:  key,
		name: name,
		does: [numOps]string{
			"`routine.Goid()`; lock, `m[id] = &state{i}`, unlock; lock, `delete(m, id)`, unlock (" + what + ")",
			"`routine.Goid()`; lock, look up the parent's state, unlock; `go` child that inserts it",
			"that spawn; child inserts, calls `wg.Done()`, deletes; parent `wg.Wait()`",
		},
		setReset: func(x int) {
			id := routine.Goid()
			sm := m()
			sm.insert(id, &state{val: x})
			sm.remove(id)
		},
		setLeave: func(x int) { m().insert(routine.Goid(), &state{val: x}) },
		enter: func(x int) func() {
			id := routine.Goid()
			sm := m()
			sm.insert(id, &state{val: x})
			return func() { sm.remove(id) }
		},
		spawn: func(fn func()) {
			sm := m()
			st := sm.lookup(routine.Goid())
			go func() {
				id := routine.Goid()
				if st != nil {
					sm.insert(id, st)
					defer sm.remove(id)
				}
				fn()
			}()
		},
		get: func() int {
			if st := m().lookup(routine.Goid()); st != nil {
				return st.val
			}
			return -1
		},
		bareExit: func() { m().remove(routine.Goid()) },
		fresh:    func() { cur.Store(newShardedMap(n)) },
	}
	return im
}

var (
	tlStall  = routine.NewThreadLocal[int]()
	itlStall = routine.NewInheritableThreadLocal[int]()
)

func routineImpl() *impl {
	return &impl{
		key:  "routine",
		name: "routine ThreadLocal",
		does: [numOps]string{
			"`tl.Set(i); tl.Remove()` (ThreadLocal)",
			"`routine.Go(fn)` from a goroutine with an InheritableThreadLocal set",
			"`routine.Go(fn)`; fn calls `wg.Done()`; parent `wg.Wait()`",
		},
		setReset: func(x int) { tlStall.Set(x); tlStall.Remove() },
		setLeave: func(x int) { tlStall.Set(x) },
		enter: func(x int) func() {
			itlStall.Set(x)
			return itlStall.Remove
		},
		spawn:    func(fn func()) { routine.Go(fn) },
		get:      itlStall.Get,
		bareExit: func() {},
	}
}

func noneImpl() *impl {
	return &impl{
		key:  "none",
		name: "bare go, no context",
		does: [numOps]string{
			"nothing: the timer's floor (`time.Now`, `time.Since`)",
			"`go fn()`",
			"`go fn()`; fn calls `wg.Done()`; parent `wg.Wait()`",
		},
		setReset: func(int) {},
		setLeave: func(int) {},
		enter:    func(int) func() { return func() {} },
		spawn:    func(fn func()) { go fn() },
		bareExit: func() {},
	}
}

// ---------------------------------------------------------------------------
// One phase: one implementation under the full load.

const (
	modeWarmup int32 = iota
	modeRecord
	modeStop
)

// Values the goroutines set, so that a child can check what it inherited.
const (
	parentValue = 7
	churnValue  = 11
	measureVal  = 13
)

type phaseResult struct {
	hist       [numOps]*hist
	parked     int
	spawned    int
	churned    int64 // churn goroutines started while recording
	gcs        uint64
	measured   time.Duration
	setup      time.Duration
	badInherit int64 // spawned children that did not see their parent's value
}

func (p *phaseResult) merge(q *phaseResult) {
	for i := range p.hist {
		p.hist[i].merge(q.hist[i])
	}
	p.churned += q.churned
	p.gcs += q.gcs
	p.measured += q.measured
	p.setup = max(p.setup, q.setup)
	p.badInherit += q.badInherit
}

func runPhase(im *impl, cfg *config) *phaseResult {
	if im.fresh != nil {
		im.fresh()
	}
	res := new(phaseResult)
	for i := range res.hist {
		res.hist[i] = new(hist)
	}
	var bad atomic.Int64
	checkInherited := func(want int) {
		if im.get != nil && im.get() != want {
			bad.Add(1)
		}
	}

	// Parked goroutines.
	start := time.Now()
	nSpawned := int(math.Round(float64(cfg.goroutines) * cfg.spawnedFrac))
	nBare := cfg.goroutines - nSpawned
	res.parked, res.spawned = cfg.goroutines, nSpawned
	release := make(chan struct{})
	var ready, parked sync.WaitGroup
	ready.Add(cfg.goroutines)
	parked.Add(cfg.goroutines)
	go func() {
		undo := im.enter(parentValue)
		for range nSpawned {
			im.spawn(func() {
				checkInherited(parentValue)
				ready.Done()
				<-release
				parked.Done()
			})
		}
		undo()
	}()
	for i := range nBare {
		go func() {
			im.setLeave(i)
			ready.Done()
			<-release
			im.bareExit()
			parked.Done()
		}()
	}
	ready.Wait()
	res.setup = time.Since(start)

	var mode atomic.Int32 // modeWarmup, then modeRecord, then modeStop
	var churned atomic.Int64

	// Churners.
	var churning sync.WaitGroup
	churning.Add(cfg.churners)
	for range cfg.churners {
		go func() {
			defer churning.Done()
			undo := im.enter(churnValue)
			defer undo()
			for mode.Load() != modeStop {
				rel := make(chan struct{})
				var up, done sync.WaitGroup
				up.Add(cfg.churnBatch)
				done.Add(cfg.churnBatch)
				for i := range cfg.churnBatch {
					if mode.Load() == modeRecord {
						churned.Add(1)
					}
					if i%2 == 0 {
						im.spawn(func() {
							checkInherited(churnValue)
							up.Done()
							<-rel
							done.Done()
						})
					} else {
						go func() {
							im.setLeave(i)
							up.Done()
							<-rel
							im.bareExit()
							done.Done()
						}()
					}
				}
				up.Wait()
				close(rel)
				done.Wait()
			}
		}()
	}

	// Measurers: bare goroutines.
	nSet := cfg.measurers / 2
	mh := make([][numOps]*hist, cfg.measurers)
	var measuring sync.WaitGroup
	measuring.Add(cfg.measurers)
	for k := range cfg.measurers {
		for i := range mh[k] {
			mh[k][i] = new(hist)
		}
		h := &mh[k]
		if k < nSet {
			go func() {
				defer measuring.Done()
				measureSetReset(im, h[opSetReset], &mode, cfg.burst, cfg.pause)
			}()
		} else {
			go func() {
				defer measuring.Done()
				measureSpawn(im, h[opSpawnCall], h[opSpawnExit], &mode, cfg.burst, cfg.pause)
			}()
		}
	}

	// Spinners, started last: a goroutine that becomes runnable behind them
	// in a run queue waits for a whole round of their time slices, so the
	// measurers and churners are started before them, and from then on wait
	// in timers and channels, which make them runnable at the head of the
	// queue.
	var spinStop atomic.Bool
	var spinning sync.WaitGroup
	spinning.Add(cfg.spinners)
	for range cfg.spinners {
		go func() {
			defer spinning.Done()
			x := uint64(1)
			next := time.Now().Add(cfg.spinYield)
			for !spinStop.Load() {
				for range 1000 {
					x = x*6364136223846793005 + 1442695040888963407
				}
				if cfg.spinYield > 0 && time.Now().After(next) {
					runtime.Gosched()
					next = time.Now().Add(cfg.spinYield)
				}
			}
			sink.Add(x)
		}()
	}

	time.Sleep(cfg.warmup)
	gc0 := gcCycles()
	t0 := time.Now()
	mode.Store(modeRecord)
	time.Sleep(cfg.duration)
	mode.Store(modeStop)
	res.measured = time.Since(t0)
	res.gcs = gcCycles() - gc0

	measuring.Wait()
	spinStop.Store(true)
	spinning.Wait()
	churning.Wait()
	close(release)
	parked.Wait()

	for k := range mh {
		for i := range mh[k] {
			res.hist[i].merge(mh[k][i])
		}
	}
	res.churned = churned.Load()
	res.badInherit = bad.Load()
	return res
}

var sink atomic.Uint64

// A measurer times operations in a row for burst, then sleeps for pause. Under
// the spinners, a goroutine that never blocks waits in the global run queue
// for a whole round of their time slices (about a second with 100 spinners
// on 2 cores) between two slices of its own; a sleeping one is made runnable
// by its timer and runs at the next switch of goroutines on its P. Either
// way, an operation that is preempted while it is being timed records the
// wait: that hits every implementation alike, in proportion to how long its
// operations take.

// measureSetReset times im.setReset until the mode is modeStop, recording
// while it is modeRecord.
func measureSetReset(im *impl, h *hist, mode *atomic.Int32, burst, pause time.Duration) {
	end := time.Now().Add(burst)
	for i := 0; ; i++ {
		md := mode.Load()
		if md == modeStop {
			return
		}
		t0 := time.Now()
		im.setReset(i)
		t1 := time.Now()
		if md == modeRecord {
			h.add(t1.Sub(t0))
		}
		if t1.After(end) {
			time.Sleep(pause)
			end = time.Now().Add(burst)
		}
	}
}

// measureSpawn times im.spawn, and the spawn with its child's run and the
// parent's wait, until the mode is modeStop.
func measureSpawn(im *impl, call, exit *hist, mode *atomic.Int32, burst, pause time.Duration) {
	undo := im.enter(measureVal)
	defer undo()
	var wg sync.WaitGroup
	child := func() { wg.Done() }
	end := time.Now().Add(burst)
	for {
		md := mode.Load()
		if md == modeStop {
			return
		}
		wg.Add(1)
		t0 := time.Now()
		im.spawn(child)
		t1 := time.Now()
		wg.Wait()
		t2 := time.Now()
		if md == modeRecord {
			call.add(t1.Sub(t0))
			exit.add(t2.Sub(t0))
		}
		if t2.After(end) {
			time.Sleep(pause)
			end = time.Now().Add(burst)
		}
	}
}

func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// ---------------------------------------------------------------------------
// A log-linear latency histogram: exact below 128 ns, then 64 buckets per
// power of two (a bucket's upper bound is at most 1/64 above its lower one).

const (
	subBits    = 6
	subBuckets = 1 << subBits
	numBuckets = 2*subBuckets + (64-subBits-1)*subBuckets
)

type hist struct {
	counts [numBuckets]uint64
	n      uint64
	max    uint64
	slow   uint64 // sum of the values ≥ slowOp
}

// slowOp is where an operation counts as slow for the "time in ops ≥ 1 ms"
// column.
const slowOp = uint64(time.Millisecond)

func bucketOf(v uint64) int {
	if v < 2*subBuckets {
		return int(v)
	}
	shift := bits.Len64(v) - subBits - 1
	return 2*subBuckets + (shift-1)*subBuckets + int(v>>shift) - subBuckets
}

// upperBound is the largest value bucket i holds.
func upperBound(i int) uint64 {
	if i < 2*subBuckets {
		return uint64(i)
	}
	k := i - 2*subBuckets
	shift := k/subBuckets + 1
	m := uint64(k%subBuckets + subBuckets)
	return (m+1)<<shift - 1
}

func (h *hist) add(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[bucketOf(v)]++
	h.n++
	h.max = max(h.max, v)
	if v >= slowOp {
		h.slow += v
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
	h.slow += o.slow
}

// countAtLeast returns how many values fell in v's bucket or above it: the
// values ≥ v, give or take the rest of v's bucket (1/64 of v).
func (h *hist) countAtLeast(v uint64) uint64 {
	var n uint64
	for i := bucketOf(v); i < numBuckets; i++ {
		n += h.counts[i]
	}
	return n
}

// quantile returns the upper bound of the bucket holding the q-quantile, in
// nanoseconds (never above the exact max).
func (h *hist) quantile(q float64) float64 {
	if h.n == 0 {
		return math.NaN()
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var cum uint64
	for i, c := range h.counts {
		cum += c
		if cum >= rank {
			return float64(min(upperBound(i), h.max))
		}
	}
	return float64(h.max)
}

// ---------------------------------------------------------------------------
// The report.

// Limits of the targets.
const (
	limitP99   = 50 * time.Microsecond
	limitRatio = 10.0
	// limitSlowRatio bounds ctxvar's time in operations of 1 ms or more
	// against the sharded map's. A percentile counts operations, and a
	// stalled measurer does few of them, so a registry that stalls every
	// writer for a while can keep a good p99; the time measurers spent
	// stalled shows it.
	limitSlowRatio = 1.5
)

func spinHow(yield time.Duration) string {
	if yield == 0 {
		return "never yielding"
	}
	return fmt.Sprintf("each calling runtime.Gosched after %v of spinning", yield)
}

func fmtUS(ns float64) string {
	if math.IsNaN(ns) {
		return "—"
	}
	us := ns / 1e3
	switch {
	case us < 10:
		return fmt.Sprintf("%.3f", us)
	case us < 1000:
		return fmt.Sprintf("%.1f", us)
	default:
		return fmt.Sprintf("%.0f", us)
	}
}

// withUnit appends unit to a number, or says that there was none.
func withUnit(num, unit string) string {
	if num == "—" || num == "NaN" {
		return "no operations measured"
	}
	return num + unit
}

// report prints the tables and returns the number of failed targets.
func report(w io.Writer, cfg *config, results map[string]*phaseResult) int {
	fmt.Fprintf(w, "# stall: registry latency under load\n\n")
	fmt.Fprintf(w, "%s, GOOS/GOARCH %s/%s, GOMAXPROCS %d, NumCPU %d, load average %s at the start. Per phase: %s parked goroutines holding a value (%.0f%% started by spawn from a goroutine with a value set, the rest bare goroutines that set a value without reset), %d goroutines spinning on the CPU (%s), %d churners starting and ending batches of %d goroutines (half spawned, half bare that set a value without reset), %d measurers (%d timing Set+Reset, %d timing spawn; each times operations for %v in a row, then sleeps %v). Warm-up %v, then %v measured per phase; %d round(s), phases in the order %s, runtime.GC forced between phases.\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU(), cfg.loadavg,
		mdreport.Commas(int64(cfg.goroutines)), 100*cfg.spawnedFrac, cfg.spinners, spinHow(cfg.spinYield), cfg.churners, cfg.churnBatch,
		cfg.measurers, cfg.measurers/2, cfg.measurers-cfg.measurers/2, cfg.burst, cfg.pause, cfg.warmup, cfg.duration, cfg.rounds, strings.Join(cfg.impls, ", "))

	fmt.Fprintf(w, "## Latency of single operations (µs)\n\n")
	fmt.Fprintf(w, "Percentiles are the upper bounds of histogram buckets (at most 1/64 above the exact value); max is exact. Every operation's latency was recorded; a measurer that is stalled records one long operation, not the ones it could have done meanwhile. A measurer preempted while it times an operation records its wait in the run queue, whatever the implementation: the \"bare go, no context\" rows show that floor. Ops ≥ 1 ms counts operations that took at least about 1 ms (within 1/64), and time in ops ≥ 1 ms adds up how long they took: the time the measurers of that row spent in such operations, out of the measured time in the load table times the number of measurers of that kind (%d timing Set+Reset, %d timing spawn).\n\n", cfg.measurers/2, cfg.measurers-cfg.measurers/2)
	fmt.Fprintf(w, "| operation | implementation | what is timed | ops | p50 | p99 | p99.9 | max | ops ≥ 1 ms | time in ops ≥ 1 ms |\n")
	fmt.Fprintf(w, "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for o := range numOps {
		for _, key := range cfg.impls {
			im, res := implByKey(key), results[key]
			h := res.hist[o]
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.3f s |\n",
				opNames[o], im.name, im.does[o], mdreport.Commas(int64(h.n)),
				fmtUS(h.quantile(0.50)), fmtUS(h.quantile(0.99)), fmtUS(h.quantile(0.999)), fmtUS(float64(h.max)),
				mdreport.Commas(int64(h.countAtLeast(slowOp))), float64(h.slow)/1e9)
		}
	}

	fmt.Fprintf(w, "\n## Load in each implementation's phases (all rounds)\n\n")
	fmt.Fprintf(w, "| implementation | parked goroutines (spawned + bare) | spinners | churn goroutines started while measuring | GC cycles while measuring | measured | slowest setup of the parked goroutines |\n")
	fmt.Fprintf(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, key := range cfg.impls {
		im, res := implByKey(key), results[key]
		fmt.Fprintf(w, "| %s | %s + %s | %d | %s | %d | %.2f s | %.0f ms |\n",
			im.name, mdreport.Commas(int64(res.spawned)), mdreport.Commas(int64(res.parked-res.spawned)), cfg.spinners, mdreport.Commas(res.churned), res.gcs,
			res.measured.Seconds(), float64(res.setup)/1e6)
	}

	fmt.Fprintf(w, "\n## Targets\n\n")
	fmt.Fprintf(w, "| target | measured | limit | mark |\n")
	fmt.Fprintf(w, "| --- | ---: | --- | --- |\n")
	var marks mdreport.Marks
	mark := marks.Mark
	cv, sh := results["ctxvar"], results["sharded"]
	shNames := [numOps]string{"sharded map insert+delete", "sharded map spawn (lookup + go)", "sharded map spawn+exit (go, insert, delete, wait)"}
	if cv == nil {
		fmt.Fprintf(w, "| ctxvar targets | not run | -impls must include ctxvar | FAIL |\n")
		marks.Fail++
	} else {
		for o := range numOps {
			// With no operations measured the quantiles are NaN, and every
			// comparison with NaN fails.
			p99 := cv.hist[o].quantile(0.99)
			fmt.Fprintf(w, "| ctxvar %s: p99 | %s | ≤ %d µs | %s |\n", opNames[o], withUnit(fmtUS(p99), " µs"), limitP99.Microseconds(), mark(p99 <= float64(limitP99)))
			if sh == nil {
				fmt.Fprintf(w, "| ctxvar %s: p99 ÷ %s p99 | not run | -impls must include sharded | FAIL |\n", opNames[o], shNames[o])
				marks.Fail++
				continue
			}
			base := max(sh.hist[o].quantile(0.99), 1)
			ratio := p99 / base
			fmt.Fprintf(w, "| ctxvar %s: p99 ÷ %s p99 (%s) | %s | ≤ %.0f× | %s |\n", opNames[o], shNames[o], withUnit(fmtUS(base), " µs"), withUnit(fmt.Sprintf("%.2f", ratio), "×"), limitRatio, mark(ratio <= limitRatio))
			slow, shSlow := float64(cv.hist[o].slow)/1e9, float64(sh.hist[o].slow)/1e9
			fmt.Fprintf(w, "| ctxvar %s: time in ops ≥ 1 ms (%.3f s) ÷ %s's (%.3f s) | %s | ≤ %.1f× | %s |\n",
				opNames[o], slow, shNames[o], shSlow, withUnit(fmt.Sprintf("%.2f", slow/max(shSlow, 1e-3)), "×"), limitSlowRatio,
				mark(slow <= limitSlowRatio*max(shSlow, 1e-3)))
		}
	}
	for _, key := range cfg.impls {
		im, res := implByKey(key), results[key]
		if im.get == nil {
			continue
		}
		fmt.Fprintf(w, "| %s: spawned children that did not see their parent's value | %d | 0 | %s |\n", im.name, res.badInherit, mark(res.badInherit == 0))
	}
	fmt.Fprintf(w, "\nTargets: %d PASS, %d FAIL.\n", marks.Pass, marks.Fail)
	return marks.Fail
}
