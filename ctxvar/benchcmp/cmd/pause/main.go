// Command pause checks that ctxvar adds no stop-the-world pause while it
// reclaims the states of goroutines that exited with a value set, and that it
// does reclaim them.
//
// The scenario: 100,000 live goroutines parked at a stack depth of 10
// (recursive calls before blocking), of which 10,000 were started with
// ctxvar.Spawn from a goroutine with a Var set and read it; and a churn of bare
// goroutines that each Set a Var to a fresh *[64]byte (with a
// runtime.AddCleanup that counts it when it is reclaimed) and exit without
// Reset, so that the runtime has states of exited goroutines to reclaim. The
// churn runs for a few seconds with runtime.GC forced periodically, on top of
// the garbage collections the allocations trigger.
//
// Pauses: the runtime/metrics histograms /sched/pauses/total/other:seconds
// (stop-the-world pauses not made by the garbage collector, such as the one of
// runtime.Stack(buf, true)) and /sched/pauses/total/gc:seconds (the GC's own)
// are read before and after. A window's max pause is the upper bound of the
// highest bucket that got new counts. The program itself makes no
// stop-the-world call in the windows (no ReadMemStats, no runtime.Stack, no
// profiles), so every "other" pause is ctxvar's or the runtime's own.
//
// Reclamation: after the churn the program starts as many new short bare
// goroutines as were churned, in waves of goroutines alive together that are
// larger than the churn ever had alive, so that the runtime reuses the exited
// goroutines' g structures (which is how a runtime that watches them can tell
// that they exited); they do not use ctxvar. Then it forces GC cycles one at a
// time, each followed by a wait for the cleanups it queued, and counts after
// how many cycles at least 99.9% (and all) of the churned values were
// reclaimed. The live heap (/gc/heap/live:bytes) is read before the churn and
// after the reclamation. For information it also times runtime.Stack(buf,
// true) with the goroutines still parked: what a sweeper that lists the
// goroutines that way would pause the program for.
//
// Run it from ctxvar/benchcmp:
//
//	go run ./cmd/pause                 # about 15 s on 2 cores
//	go run ./cmd/pause -strict         # exit status 1 when a target fails
//	go run ./cmd/pause -h              # the knobs of the scenario
//
// Targets, each computed from numbers measured in the same run: max "other"
// pause over the churn and the reclamation ≤ 1 ms, and ≤ 2× the max GC pause
// of the same windows; ≥ 99.9% of the churned values reclaimed within 3 forced
// GC cycles after the reuse; the live heap after the reclamation ≤ 2× the live
// heap before the churn; and every Spawn'd reader saw its parent's value.
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/benchcmp/internal/mdreport"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type config struct {
	goroutines  int
	readers     int
	depth       int
	duration    time.Duration
	churners    int
	churnBatch  int
	gcEvery     time.Duration
	maxGCs      int
	reclaimFrac float64
	heapFactor  float64
	strict      bool
}

// Limits of the targets.
const (
	limitOther      = time.Millisecond
	limitOtherRatio = 2.0
	limitGCs        = 3
)

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pause", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.IntVar(&cfg.goroutines, "goroutines", 100000, "live goroutines parked for the whole run")
	fs.IntVar(&cfg.readers, "readers", 10000, "of the parked goroutines, how many are started with ctxvar.Spawn from a goroutine with a Var set and read it")
	fs.IntVar(&cfg.depth, "depth", 10, "stack depth (recursive calls) at which the parked goroutines block")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "how long the churn runs")
	fs.IntVar(&cfg.churners, "churners", 2, "goroutines that keep starting batches of churned goroutines")
	fs.IntVar(&cfg.churnBatch, "churn-batch", 256, "churned goroutines per batch: each Sets a Var without Reset and exits")
	fs.DurationVar(&cfg.gcEvery, "gc-every", 250*time.Millisecond, "force runtime.GC this often during the churn")
	fs.IntVar(&cfg.maxGCs, "max-gcs", 10, "forced GC cycles after the reuse before giving up on the reclamation")
	fs.Float64Var(&cfg.reclaimFrac, "reclaim", 0.999, "fraction of the churned values that counts as reclaimed for the target")
	fs.Float64Var(&cfg.heapFactor, "heap-factor", 2, "target: live heap after the reclamation ≤ this × live heap before the churn")
	fs.BoolVar(&cfg.strict, "strict", false, "exit with status 1 when a target fails")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "pause: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if cfg.goroutines < 0 || cfg.readers < 0 || cfg.readers > cfg.goroutines || cfg.depth < 1 ||
		cfg.duration <= 0 || cfg.churners < 1 || cfg.churnBatch < 1 || cfg.gcEvery <= 0 ||
		cfg.maxGCs < 1 || cfg.reclaimFrac <= 0 || cfg.reclaimFrac > 1 || cfg.heapFactor <= 0 {
		fmt.Fprintln(stderr, "pause: invalid flag values")
		return 2
	}
	if _, _, err := readPauses(); err != nil {
		fmt.Fprintf(stderr, "pause: %v\n", err)
		return 2
	}
	r := measure(&cfg, stderr)
	failed := report(stdout, &cfg, r)
	if cfg.strict && failed > 0 {
		return 1
	}
	return 0
}

var (
	vReader = ctxvar.New[int]("pause.reader")
	vChurn  = ctxvar.New[*payload]("pause.churn")
)

// payload is what each churned goroutine sets its Var to.
type payload [64]byte

// countReclaimed is the cleanup of a churned payload: it counts it in the
// counter of the run that made it (run may be called more than once in a
// process, as the test does).
func countReclaimed(n *atomic.Int64) { n.Add(1) }

const readerValue = 42

// park recurses to depth frames and blocks there until release is closed.
//
//go:noinline
func park(depth int, ready *sync.WaitGroup, release <-chan struct{}) {
	if depth > 1 {
		park(depth-1, ready, release)
		return
	}
	ready.Done()
	<-release
}

// pauseWindow is what the pause histograms recorded between two reads.
type pauseWindow struct {
	name, what        string
	otherN, gcN       uint64
	otherMax, gcMax   float64 // seconds, bucket upper bound; 0: no pause
	otherOpen, gcOpen bool    // the max bucket has no upper bound: its lower bound is shown
	forcedGCs, allGCs uint64
	wall              time.Duration
}

type results struct {
	loadavg        string
	setup          time.Duration
	badReaders     int64
	parkedStarted  int
	churned        int64
	peakChurnAlive int64
	reclaimedChurn int64 // reclaimed by the end of the churn
	reclaimedReuse int64 // reclaimed after the reuse, before the forced GC cycles
	reused         int64
	wave           int
	reuseTime      time.Duration
	perCycle       []int64 // reclaimed after each forced GC cycle
	cyclesFrac     int     // cycles until ≥ reclaimFrac; 0: not reached
	cyclesAll      int     // cycles until all; 0: not reached
	heapBefore     uint64
	heapAfter      uint64
	windows        []pauseWindow
	stackTime      time.Duration
	stackBytes     int
	stackPause     pauseWindow
	goroutinesLive int
}

func measure(cfg *config, log io.Writer) *results {
	r := &results{loadavg: mdreport.LoadAverage()}
	reclaimed := new(atomic.Int64) // churned payloads the GC has reclaimed

	// The parked goroutines.
	fmt.Fprintf(log, "pause: parking %d goroutines at depth %d\n", cfg.goroutines, cfg.depth)
	start := time.Now()
	release := make(chan struct{})
	var ready, gone sync.WaitGroup
	ready.Add(cfg.goroutines)
	gone.Add(cfg.goroutines)
	var bad atomic.Int64
	go func() {
		tok := vReader.Set(readerValue)
		for range cfg.readers {
			ctxvar.Spawn(func() {
				defer gone.Done()
				if vReader.GetOr(-1) != readerValue {
					bad.Add(1)
				}
				park(cfg.depth, &ready, release)
			})
		}
		vReader.Reset(tok)
	}()
	for range cfg.goroutines - cfg.readers {
		go func() {
			defer gone.Done()
			park(cfg.depth, &ready, release)
		}()
	}
	ready.Wait()
	r.setup = time.Since(start)
	r.badReaders = bad.Load()
	r.parkedStarted = cfg.goroutines

	// One wave of short goroutines, as large as the reuse below will start,
	// so that the g structures it needs exist before the live heap is read.
	wave0 := 4*cfg.churners*cfg.churnBatch + 1024
	startWave(wave0)
	runtime.GC()
	runtime.GC()
	r.heapBefore = heapLive()

	// The churn, with forced GCs.
	fmt.Fprintf(log, "pause: churning for %v\n", cfg.duration)
	var churned, alive, peak atomic.Int64
	o0, g0, _ := readPauses()
	c0 := gcCycles()
	t0 := time.Now()
	deadline := t0.Add(cfg.duration)
	var churning sync.WaitGroup
	churning.Add(cfg.churners)
	for range cfg.churners {
		go func() {
			defer churning.Done()
			var wg sync.WaitGroup
			for time.Now().Before(deadline) {
				wg.Add(cfg.churnBatch)
				for range cfg.churnBatch {
					go func() {
						n := alive.Add(1)
						for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
						}
						p := new(payload)
						runtime.AddCleanup(p, countReclaimed, reclaimed)
						vChurn.Set(p) // no Reset: the goroutine exits with the value set
						churned.Add(1)
						alive.Add(-1)
						wg.Done()
					}()
				}
				wg.Wait()
			}
		}()
	}
	forced := uint64(0)
	for time.Until(deadline) > cfg.gcEvery {
		time.Sleep(cfg.gcEvery)
		runtime.GC()
		forced++
	}
	churning.Wait()
	o1, g1, _ := readPauses()
	c1 := gcCycles()
	r.windows = append(r.windows, window("churn", fmt.Sprintf("churn with runtime.GC every %v", cfg.gcEvery), o0, o1, g0, g1, forced, c1-c0, time.Since(t0)))
	r.churned = churned.Load()
	r.peakChurnAlive = peak.Load()
	r.reclaimedChurn = reclaimed.Load()

	// Reuse the exited goroutines' g structures: waves of goroutines alive
	// together, larger than the churn ever had alive.
	fmt.Fprintf(log, "pause: starting %d short goroutines\n", r.churned)
	t1 := time.Now()
	r.wave = max(wave0, int(2*r.peakChurnAlive)+1024)
	for left := r.churned; left > 0; {
		n := int(min(int64(r.wave), left))
		left -= int64(n)
		startWave(n)
		r.reused += int64(n)
	}
	r.reuseTime = time.Since(t1)
	r.reclaimedReuse = reclaimed.Load()

	// Forced GC cycles, one at a time.
	fmt.Fprintf(log, "pause: forcing GC cycles\n")
	want := int64(math.Ceil(cfg.reclaimFrac * float64(r.churned)))
	for k := 1; k <= cfg.maxGCs; k++ {
		runtime.GC()
		forced++
		n := waitCleanups(reclaimed, r.churned)
		r.perCycle = append(r.perCycle, n)
		if r.cyclesFrac == 0 && n >= want {
			r.cyclesFrac = k
		}
		if n >= r.churned {
			r.cyclesAll = k
			break
		}
	}
	runtime.GC()
	r.heapAfter = heapLive()
	o2, g2, _ := readPauses()
	c2 := gcCycles()
	r.windows = append(r.windows, window("reclamation", fmt.Sprintf("%d short goroutines in waves of %d, then forced GC cycles one at a time", r.reused, r.wave),
		o1, o2, g1, g2, uint64(len(r.perCycle)+1), c2-c1, time.Since(t1)))
	all := window("churn + reclamation", "both windows", o0, o2, g0, g2, forced+1, c2-c0, time.Since(t0))
	r.windows = append(r.windows, all)

	// For information: a full stack dump with the goroutines still parked.
	fmt.Fprintf(log, "pause: timing runtime.Stack(buf, true)\n")
	r.goroutinesLive = runtime.NumGoroutine()
	buf := make([]byte, 64<<10+r.goroutinesLive*512)
	for {
		s0, _, _ := readPauses()
		ts := time.Now()
		n := runtime.Stack(buf, true)
		r.stackTime = time.Since(ts)
		s1, _, _ := readPauses()
		r.stackPause = window("", "", s0, s1, g2, g2, 0, 0, r.stackTime)
		if n < len(buf) {
			r.stackBytes = n
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	buf = nil

	close(release)
	gone.Wait()
	return r
}

// startWave starts n short bare goroutines that are all alive at once, from
// one goroutine per P so that the free lists of every P are drained, then
// lets them exit. They do not use ctxvar.
func startWave(n int) {
	procs := runtime.GOMAXPROCS(0)
	rel := make(chan struct{})
	var up, done, creators sync.WaitGroup
	up.Add(n)
	done.Add(n)
	creators.Add(procs)
	for c := range procs {
		k := n / procs
		if c < n%procs {
			k++
		}
		go func() {
			defer creators.Done()
			for range k {
				go func() {
					up.Done()
					<-rel
					done.Done()
				}()
			}
		}()
	}
	creators.Wait()
	up.Wait()
	close(rel)
	done.Wait()
}

// waitCleanups waits until the count of reclaimed payloads reaches all or
// stops changing for a while, and returns it.
func waitCleanups(reclaimed *atomic.Int64, all int64) int64 {
	const (
		poll   = 5 * time.Millisecond
		stable = 20 // polls without change
		limit  = 5 * time.Second
	)
	deadline := time.Now().Add(limit)
	last, same := reclaimed.Load(), 0
	for last < all && same < stable && time.Now().Before(deadline) {
		time.Sleep(poll)
		if n := reclaimed.Load(); n != last {
			last, same = n, 0
		} else {
			same++
		}
	}
	return reclaimed.Load()
}

// ---------------------------------------------------------------------------
// runtime/metrics.

const (
	otherPauses = "/sched/pauses/total/other:seconds"
	gcPauses    = "/sched/pauses/total/gc:seconds"
)

type histo struct {
	counts  []uint64
	buckets []float64
}

func readPauses() (other, gc histo, err error) {
	s := []metrics.Sample{{Name: otherPauses}, {Name: gcPauses}}
	metrics.Read(s)
	var hs [2]histo
	for i := range s {
		if s[i].Value.Kind() != metrics.KindFloat64Histogram {
			return histo{}, histo{}, fmt.Errorf("runtime/metrics has no histogram %s in %s", s[i].Name, runtime.Version())
		}
		h := s[i].Value.Float64Histogram()
		hs[i] = histo{counts: append([]uint64(nil), h.Counts...), buckets: append([]float64(nil), h.Buckets...)}
	}
	return hs[0], hs[1], nil
}

// delta returns the number of new counts from a to b, and the upper bound of
// the highest bucket that got some (its lower bound, with open set, if it has
// no upper bound).
func delta(a, b histo) (n uint64, maxSec float64, open bool) {
	for i := range b.counts {
		var d uint64
		if i < len(a.counts) {
			d = b.counts[i] - a.counts[i]
		} else {
			d = b.counts[i]
		}
		if d == 0 {
			continue
		}
		n += d
		hi := b.buckets[i+1]
		if math.IsInf(hi, 1) {
			maxSec, open = b.buckets[i], true
		} else {
			maxSec, open = hi, false
		}
	}
	return n, maxSec, open
}

func window(name, what string, o0, o1, g0, g1 histo, forced, all uint64, wall time.Duration) pauseWindow {
	w := pauseWindow{name: name, what: what, forcedGCs: forced, allGCs: all, wall: wall}
	w.otherN, w.otherMax, w.otherOpen = delta(o0, o1)
	w.gcN, w.gcMax, w.gcOpen = delta(g0, g1)
	return w
}

func readUint64(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func gcCycles() uint64 { return readUint64("/gc/cycles/total:gc-cycles") }

// heapLive is the heap the last GC cycle marked live.
func heapLive() uint64 { return readUint64("/gc/heap/live:bytes") }

// ---------------------------------------------------------------------------
// The report.

func fmtPause(sec float64, open bool, n uint64) string {
	if n == 0 {
		return "none"
	}
	s := fmtDur(time.Duration(sec * 1e9))
	if open {
		return "> " + s
	}
	return "≤ " + s
}

func fmtDur(d time.Duration) string {
	us := float64(d) / 1e3
	switch {
	case us < 1000:
		return fmt.Sprintf("%.1f µs", us)
	case us < 1e6:
		return fmt.Sprintf("%.2f ms", us/1e3)
	default:
		return fmt.Sprintf("%.2f s", us/1e6)
	}
}

func fmtMB(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func pct(a, b int64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(a)/float64(b))
}

func report(w io.Writer, cfg *config, r *results) int {
	fmt.Fprintf(w, "# pause: stop-the-world pauses and reclamation\n\n")
	fmt.Fprintf(w, "%s, GOOS/GOARCH %s/%s, GOMAXPROCS %d, NumCPU %d, load average %s at the start. %s goroutines parked at stack depth %d (%s of them started with ctxvar.Spawn from a goroutine with a Var set, and read it), set up in %s. Churn: %d churners starting batches of %d bare goroutines, each setting a Var to a fresh *[64]byte and exiting without Reset, for %v, runtime.GC forced every %v.\n\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), runtime.NumCPU(), r.loadavg,
		mdreport.Commas(int64(r.parkedStarted)), cfg.depth, mdreport.Commas(int64(cfg.readers)), fmtDur(r.setup),
		cfg.churners, cfg.churnBatch, cfg.duration, cfg.gcEvery)

	fmt.Fprintf(w, "## Stop-the-world pauses\n\n")
	fmt.Fprintf(w, "From the runtime/metrics histograms `%s` (\"other\": pauses not made by the GC) and `%s`: the count of new pauses in each window, and the upper bound of the highest bucket that got a new count (the histograms keep no exact max).\n\n", otherPauses, gcPauses)
	fmt.Fprintf(w, "| window | what ran | wall time | GC cycles (forced) | other pauses | other max | GC pauses | GC max |\n")
	fmt.Fprintf(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.windows {
		fmt.Fprintf(w, "| %s | %s | %s | %d (%d) | %d | %s | %d | %s |\n", x.name, x.what, fmtDur(x.wall), x.allGCs, x.forcedGCs,
			x.otherN, fmtPause(x.otherMax, x.otherOpen, x.otherN), x.gcN, fmtPause(x.gcMax, x.gcOpen, x.gcN))
	}

	fmt.Fprintf(w, "\n## Reclamation of the churned goroutines' values\n\n")
	fmt.Fprintf(w, "| step | reclaimed | of churned |\n")
	fmt.Fprintf(w, "| --- | ---: | ---: |\n")
	fmt.Fprintf(w, "| churned: goroutines that set a value and exited (at most %s alive at once) | %s | |\n", mdreport.Commas(r.peakChurnAlive), mdreport.Commas(r.churned))
	fmt.Fprintf(w, "| reclaimed by the end of the churn | %s | %s |\n", mdreport.Commas(r.reclaimedChurn), pct(r.reclaimedChurn, r.churned))
	fmt.Fprintf(w, "| after starting %s short bare goroutines in waves of %s alive at once (%s), before any forced GC | %s | %s |\n",
		mdreport.Commas(r.reused), mdreport.Commas(int64(r.wave)), fmtDur(r.reuseTime), mdreport.Commas(r.reclaimedReuse), pct(r.reclaimedReuse, r.churned))
	for k, n := range r.perCycle {
		fmt.Fprintf(w, "| after forced GC cycle %d (and its cleanups) | %s | %s |\n", k+1, mdreport.Commas(n), pct(n, r.churned))
	}

	fmt.Fprintf(w, "\n## Live heap\n\n")
	fmt.Fprintf(w, "| when | `/gc/heap/live:bytes` |\n| --- | ---: |\n")
	fmt.Fprintf(w, "| before the churn (after 2 forced GCs) | %s |\n", fmtMB(r.heapBefore))
	fmt.Fprintf(w, "| after the reclamation (and one more forced GC) | %s |\n", fmtMB(r.heapAfter))

	fmt.Fprintf(w, "\n## For information: a full stack dump\n\n")
	fmt.Fprintf(w, "| what | time | output | other pause recorded |\n| --- | ---: | ---: | ---: |\n")
	fmt.Fprintf(w, "| `runtime.Stack(buf, true)` with %s goroutines (as a sweeper that lists goroutines would call it) | %s | %s | %s |\n",
		mdreport.Commas(int64(r.goroutinesLive)), fmtDur(r.stackTime), fmtMB(uint64(r.stackBytes)), fmtPause(r.stackPause.otherMax, r.stackPause.otherOpen, r.stackPause.otherN))

	fmt.Fprintf(w, "\n## Targets\n\n")
	fmt.Fprintf(w, "| target | measured | limit | mark |\n| --- | ---: | --- | --- |\n")
	var marks mdreport.Marks
	mark := marks.Mark
	all := r.windows[len(r.windows)-1]
	otherMax := all.otherMax
	if all.otherN == 0 {
		otherMax = 0
	}
	fmt.Fprintf(w, "| max other (non-GC) stop-the-world pause, churn + reclamation | %s | ≤ %s | %s |\n",
		fmtPause(all.otherMax, all.otherOpen, all.otherN), fmtDur(limitOther), mark(!all.otherOpen && otherMax <= limitOther.Seconds()))
	ratio := 0.0
	if otherMax > 0 {
		ratio = math.Inf(1)
		if all.gcN > 0 && all.gcMax > 0 {
			ratio = otherMax / all.gcMax
		}
	}
	fmt.Fprintf(w, "| max other pause ÷ max GC pause (%s), same windows | %.2f× | ≤ %.0f× | %s |\n",
		fmtPause(all.gcMax, all.gcOpen, all.gcN), ratio, limitOtherRatio, mark(!all.otherOpen && ratio <= limitOtherRatio))
	cyc := "not reached in " + fmt.Sprint(cfg.maxGCs)
	if r.cyclesFrac > 0 {
		cyc = fmt.Sprint(r.cyclesFrac)
	}
	fmt.Fprintf(w, "| forced GC cycles after the reuse until ≥ %g%% of the churned values were reclaimed | %s | ≤ %d | %s |\n",
		100*cfg.reclaimFrac, cyc, limitGCs, mark(r.cyclesFrac > 0 && r.cyclesFrac <= limitGCs))
	cycAll := "not reached in " + fmt.Sprint(len(r.perCycle))
	if r.cyclesAll > 0 {
		cycAll = fmt.Sprint(r.cyclesAll)
	}
	fmt.Fprintf(w, "| (info) forced GC cycles until all of them were | %s | — | info |\n", cycAll)
	hr := float64(r.heapAfter) / float64(max(r.heapBefore, 1))
	fmt.Fprintf(w, "| live heap after the reclamation ÷ before the churn (%s → %s) | %.2f× | ≤ %g× | %s |\n",
		fmtMB(r.heapBefore), fmtMB(r.heapAfter), hr, cfg.heapFactor, mark(hr <= cfg.heapFactor))
	fmt.Fprintf(w, "| Spawn'd readers that did not see their parent's value | %d | 0 | %s |\n", r.badReaders, mark(r.badReaders == 0))
	fmt.Fprintf(w, "\nTargets: %d PASS, %d FAIL.\n", marks.Pass, marks.Fail)
	return marks.Fail
}
