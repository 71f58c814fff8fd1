package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Python timeit labels, as written by run.sh after "=== timeit".
const (
	pyGet           = "py-get"            // v.get(), v has a value
	pySetResetUnset = "py-setreset-unset" // v.reset(v.set(1)), v has no value
	pySetResetSet   = "py-setreset-set"   // v.reset(v.set(1)), v has a value
	pyCopy          = "py-copy"           // contextvars.copy_context(), v has a value
)

// The units of the rows' medians: go test's own time per op, and the custom
// metric of the memory rows (b.ReportMetric in ../../memory_test.go).
const (
	unitNs  = "ns/op"
	unitMem = "B/goroutine"
)

type checkKind int

const (
	ratioAtMost       checkKind = iota // median ÷ reference median ≤ limit
	valueAtMost                        // median ≤ limit, in the row's unit
	zeroAllocs                         // every sample reports 0 allocs/op
	allocsAtMostRef                    // median allocs/op ≤ the reference's
	addedAtMost                        // median − reference median ≤ limit, in the row's unit
	addedAllocsAtMost                  // median allocs/op − the reference's ≤ limit
	info                               // ratio shown, no target
)

type check struct {
	kind  checkKind
	ref   series
	limit float64
	// control, when set, is a pair (row, reference) that should meet the
	// same limit on any machine that can show the effect measured; when it
	// does not, a FAIL of this check gets a note saying so.
	control *[2]series
}

// series names one row's data: a Go benchmark (procs 0: the run's
// GOMAXPROCS) or a Python timeit label, and the unit of its median.
type series struct {
	label  string // shown in the table
	name   string
	procs  int
	python bool
	unit   string // "" means unitNs
}

// metric returns the unit of the series' median.
func (s series) metric() string {
	if s.unit == "" {
		return unitNs
	}
	return s.unit
}

type row struct {
	series
	checks []check
}

// A section is one markdown table: rows whose medians are in one unit.
type section struct {
	title string // a line above the table; "" for none
	unit  string
	rows  []row
}

var (
	sGet            = series{label: "ctxvar Get", name: "BenchmarkCtxvar/Get"}
	sGetOr          = series{label: "ctxvar GetOr", name: "BenchmarkCtxvar/GetOr"}
	sLookup         = series{label: "ctxvar Lookup", name: "BenchmarkCtxvar/Lookup"}
	sSRUnsetBare    = series{label: "ctxvar Set+Reset, unset, bare goroutine", name: "BenchmarkCtxvar/SetReset/Unset/Bare"}
	sSRUnsetSpawn   = series{label: "ctxvar Set+Reset, unset, Spawn'd goroutine", name: "BenchmarkCtxvar/SetReset/Unset/Spawn"}
	sSRUnsetRun     = series{label: "ctxvar Set+Reset, unset, in Context.Run", name: "BenchmarkCtxvar/SetReset/Unset/Run"}
	sSRSetBare      = series{label: "ctxvar Set+Reset, set, bare goroutine", name: "BenchmarkCtxvar/SetReset/Set/Bare"}
	sSRSetSpawn     = series{label: "ctxvar Set+Reset, set, Spawn'd goroutine", name: "BenchmarkCtxvar/SetReset/Set/Spawn"}
	sSRSetRun       = series{label: "ctxvar Set+Reset, set, in Context.Run", name: "BenchmarkCtxvar/SetReset/Set/Run"}
	sCopy1          = series{label: "ctxvar Copy, 1 Var set", name: "BenchmarkCtxvar/Copy/Vars=1"}
	sCopy1000       = series{label: "ctxvar Copy, 1000 Vars set", name: "BenchmarkCtxvar/Copy/Vars=1000"}
	sSpawn          = series{label: "ctxvar Spawn+wait", name: "BenchmarkCtxvar/SpawnWait"}
	sLive0          = series{label: "ctxvar Get, 0 other goroutines", name: "BenchmarkCtxvar/GetLive/Goroutines=0"}
	sLive100k       = series{label: "ctxvar Get, 100,000 live goroutines", name: "BenchmarkCtxvar/GetLive/Goroutines=100000"}
	sPar1           = series{label: "ctxvar Get, RunParallel -cpu 1", name: "BenchmarkParallel/CtxvarGet", procs: 1}
	sPar2           = series{label: "ctxvar Get, RunParallel -cpu 2", name: "BenchmarkParallel/CtxvarGet", procs: 2}
	sCtxPar1        = series{label: "context.Value d=1, RunParallel -cpu 1", name: "BenchmarkParallel/ContextValue", procs: 1}
	sCtxPar2        = series{label: "context.Value d=1, RunParallel -cpu 2", name: "BenchmarkParallel/ContextValue", procs: 2}
	sServer         = series{label: "server request, ctxvar", name: "BenchmarkServer/Ctxvar"}
	sServerCtx      = series{label: "server request, context.Context", name: "BenchmarkServer/Context"}
	sServerRoutine  = series{label: "server request, routine", name: "BenchmarkServer/Routine"}
	sServerLS       = series{label: "server request, localsession", name: "BenchmarkServer/Localsession"}
	sService        = series{label: "service request, ctxvar (ctxvarhttp, ctxvarslog)", name: "BenchmarkService/Ctxvar"}
	sServiceCtx     = series{label: "service request, context.Context", name: "BenchmarkService/Context"}
	sMiddleware     = series{label: "ctxvarhttp.Handler around an empty handler", name: "BenchmarkMiddleware/Ctxvarhttp"}
	sMiddlewareBare = series{label: "empty handler", name: "BenchmarkMiddleware/Bare"}
	sCtx1           = series{label: "context.Value, depth 1", name: "BenchmarkContextValue/Depth=1"}
	sCtx10          = series{label: "context.Value, depth 10 (first-added key)", name: "BenchmarkContextValue/Depth=10"}
	sTL             = series{label: "routine ThreadLocal.Get", name: "BenchmarkRoutine/ThreadLocalGet"}
	sITL            = series{label: "routine InheritableThreadLocal.Get", name: "BenchmarkRoutine/InheritableThreadLocalGet"}
	sRoutineSRUnset = series{label: "routine ThreadLocal Set+Remove, unset, bare goroutine", name: "BenchmarkRoutine/SetReset/Unset"}
	sRoutineSRSet   = series{label: "routine ThreadLocal Get+Set+Set back, set, bare goroutine", name: "BenchmarkRoutine/SetReset/Set"}
	sRoutineGo      = series{label: "routine.Go+wait", name: "BenchmarkRoutine/GoWait"}
	sLSSRUnset      = series{label: "localsession set+restore, unset, bare goroutine", name: "BenchmarkLocalsession/SetReset/Unset"}
	sLSSRSet        = series{label: "localsession set+restore, set, bare goroutine", name: "BenchmarkLocalsession/SetReset/Set"}
	sLSGo           = series{label: "localsession.Go+wait", name: "BenchmarkLocalsession/GoWait"}
	sBareGo         = series{label: "bare go+wait", name: "BenchmarkBareGoWait"}
	sPyGet          = series{label: "Python ContextVar.get()", name: pyGet, python: true}
	sPySRUnset      = series{label: "Python v.reset(v.set(1)), unset", name: pySetResetUnset, python: true}
	sPySRSet        = series{label: "Python v.reset(v.set(1)), set", name: pySetResetSet, python: true}
	sPyCopy         = series{label: "Python copy_context()", name: pyCopy, python: true}
	sMemSpawnReader = series{label: "ctxvar Spawn'd reader", name: "BenchmarkMemory/Ctxvar/SpawnReader", unit: unitMem}
	sMemRoutineRead = series{label: "routine.Go reader", name: "BenchmarkMemory/Routine/GoReader", unit: unitMem}
	sMemLSRead      = series{label: "localsession.Go reader", name: "BenchmarkMemory/Localsession/GoReader", unit: unitMem}
	sMemBareSet     = series{label: "ctxvar bare goroutine, one Set", name: "BenchmarkMemory/Ctxvar/BareSet", unit: unitMem}
	sMemRoutineSet  = series{label: "routine bare goroutine, one ThreadLocal.Set", name: "BenchmarkMemory/Routine/BareSet", unit: unitMem}
	sMemLSSet       = series{label: "localsession bare goroutine, one key in a fresh session", name: "BenchmarkMemory/Localsession/BareSet", unit: unitMem}
)

func getChecks() []check {
	return []check{
		{kind: ratioAtMost, ref: sTL, limit: 0.8},
		{kind: ratioAtMost, ref: sPyGet, limit: 1},
		{kind: zeroAllocs},
	}
}

// setResetChecks are the checks of a Set+Reset row: at most half of Python's
// time in the same prior state, and, on the bare-goroutine row, the peers'
// times for the same work for information.
func setResetChecks(py series, peers ...series) []check {
	cs := []check{{kind: ratioAtMost, ref: py, limit: 0.5}}
	for _, p := range peers {
		cs = append(cs, check{kind: info, ref: p})
	}
	return cs
}

// sections are the tables: the order of the rows and the targets. The
// limits are the targets; every ratio is computed from the measured medians.
var sections = []section{
	{unit: unitNs, rows: []row{
		{sGet, getChecks()},
		{sGetOr, getChecks()},
		{sLookup, getChecks()},
		{sSRUnsetBare, setResetChecks(sPySRUnset, sRoutineSRUnset, sLSSRUnset)},
		{sSRUnsetSpawn, setResetChecks(sPySRUnset)},
		{sSRUnsetRun, setResetChecks(sPySRUnset)},
		{sSRSetBare, setResetChecks(sPySRSet, sRoutineSRSet, sLSSRSet)},
		{sSRSetSpawn, setResetChecks(sPySRSet)},
		{sSRSetRun, setResetChecks(sPySRSet)},
		{sCopy1, []check{{kind: ratioAtMost, ref: sPyCopy, limit: 1}}},
		{sCopy1000, []check{
			{kind: ratioAtMost, ref: sCopy1, limit: 1.5},
			{kind: ratioAtMost, ref: sPyCopy, limit: 1},
		}},
		{sSpawn, []check{
			{kind: ratioAtMost, ref: sBareGo, limit: 1.3},
			{kind: info, ref: sRoutineGo},
			{kind: info, ref: sLSGo},
		}},
		{sLive0, nil},
		{sLive100k, []check{{kind: ratioAtMost, ref: sLive0, limit: 1.5}}},
		{sPar1, nil},
		{sPar2, []check{{kind: ratioAtMost, ref: sPar1, limit: 0.6, control: &[2]series{sCtxPar2, sCtxPar1}}}},
		{sCtxPar1, nil},
		{sCtxPar2, []check{{kind: info, ref: sCtxPar1}}},
		{sServer, []check{{kind: ratioAtMost, ref: sServerCtx, limit: 1.1}}},
		{sServerCtx, nil},
		{sServerRoutine, []check{{kind: info, ref: sServerCtx}}},
		{sServerLS, []check{{kind: info, ref: sServerCtx}}},
		{sService, []check{
			{kind: ratioAtMost, ref: sServiceCtx, limit: 1.05},
			{kind: allocsAtMostRef, ref: sServiceCtx},
		}},
		{sServiceCtx, nil},
		{sMiddleware, []check{
			{kind: addedAtMost, ref: sMiddlewareBare, limit: 150},
			{kind: addedAllocsAtMost, ref: sMiddlewareBare, limit: 2},
		}},
		{sMiddlewareBare, nil},
		{sCtx1, nil},
		{sCtx10, nil},
		{sTL, nil},
		{sITL, nil},
		{sRoutineSRUnset, nil},
		{sRoutineSRSet, nil},
		{sRoutineGo, []check{{kind: info, ref: sBareGo}}},
		{sLSSRUnset, nil},
		{sLSSRSet, nil},
		{sLSGo, []check{{kind: info, ref: sBareGo}}},
		{sBareGo, nil},
		{sPyGet, nil},
		{sPySRUnset, nil},
		{sPySRSet, nil},
		{sPyCopy, nil},
	}},
	{title: "Memory per live goroutine: extra live heap with 100,000 goroutines of the kind parked, over as many bare ones", unit: unitMem, rows: []row{
		{sMemSpawnReader, []check{
			{kind: valueAtMost, limit: 64},
			{kind: ratioAtMost, ref: sMemRoutineRead, limit: 1},
			{kind: info, ref: sMemLSRead},
		}},
		{sMemRoutineRead, nil},
		{sMemLSRead, nil},
		{sMemBareSet, []check{
			{kind: valueAtMost, limit: 192},
			{kind: ratioAtMost, ref: sMemRoutineSet, limit: 1},
			{kind: info, ref: sMemLSSet},
		}},
		{sMemRoutineSet, nil},
		{sMemLSSet, nil},
	}},
}

// Result counts the marks of a table.
type Result struct {
	Pass, Fail, Skip int
	Missing          []string // Go benchmarks with no samples: a real error
}

// Render writes the markdown tables and the notes below them.
func Render(w io.Writer, d *Data) Result {
	var res Result
	missing := map[string]bool{}
	stats := func(s series) (Stats, bool) {
		k, ss := d.lookup(s.name, s.procs)
		st := summarize(ss, s.metric())
		if st.N == 0 {
			what := k.String()
			if len(ss) > 0 { // the benchmark ran but did not report the row's unit
				what += " (" + s.metric() + ")"
			}
			if !s.python && !missing[what] {
				missing[what] = true
				res.Missing = append(res.Missing, what)
			}
			return Stats{}, false
		}
		return st, true
	}
	absent := func(s series) string {
		if s.python {
			return "skipped"
		}
		return "MISSING"
	}

	var b strings.Builder
	var fails []string // labels of the rows with a FAIL mark
	var controlNotes []string
	for i, sec := range sections {
		if i > 0 {
			b.WriteString("\n")
		}
		if sec.title != "" {
			b.WriteString(sec.title + "\n\n")
		}
		// The allocations of a time row are part of its cost; those of a
		// memory row are of the whole measurement, and say nothing.
		allocCols := sec.unit == unitNs
		spread := "spread"
		if !allocCols {
			spread = "spread (max − min)"
		}
		head := []string{"Benchmark", "median " + sec.unit, spread, "B/op", "allocs/op", "runs", "ratio", "target", "mark"}
		align := []string{"---", "---:", "---:", "---:", "---:", "---:", "---", "---", "---"}
		if !allocCols {
			head = slices.Delete(head, 3, 5)
			align = slices.Delete(align, 3, 5)
		}
		writeRow(&b, head)
		writeRow(&b, align)
		for _, r := range sec.rows {
			st, ok := stats(r.series)
			cells := []string{r.label, absent(r.series), "", "", "", "0"}
			if ok {
				cells = []string{r.label, fmtValue(st.Med), fmtSpread(st, sec.unit), fmtCount(st.Bytes), fmtCount(st.Allocs), fmt.Sprint(st.N)}
			}
			if !allocCols {
				cells = slices.Delete(cells, 3, 5)
			}
			if len(r.checks) == 0 {
				writeRow(&b, append(cells, "", "", ""))
				continue
			}
			for i, c := range r.checks {
				if i > 0 {
					cells = make([]string, len(cells))
				}
				ratio, target, mark := evalCheck(c, r.series, st, ok, stats)
				switch mark {
				case "PASS":
					res.Pass++
				case "FAIL":
					res.Fail++
					if len(fails) == 0 || fails[len(fails)-1] != r.label {
						fails = append(fails, r.label)
					}
					if n := controlNote(c, stats); n != "" {
						controlNotes = append(controlNotes, fmt.Sprintf("%s: %s", r.label, n))
					}
				case "SKIP":
					res.Skip++
				}
				writeRow(&b, append(cells, ratio, target, mark))
			}
		}
	}
	io.WriteString(w, b.String())

	fmt.Fprintf(w, "\nTargets: %d PASS, %d FAIL, %d SKIP.", res.Pass, res.Fail, res.Skip)
	if len(fails) > 0 {
		fmt.Fprintf(w, " FAIL: %s.", strings.Join(fails, "; "))
	}
	fmt.Fprintln(w)
	var notes []string
	if d.CPU != "" {
		notes = append(notes, "cpu: "+d.CPU)
	}
	notes = append(notes,
		"ns/op and B/op, allocs/op are medians over the runs; spread = (slowest − fastest) ÷ median; ratio = this row's median ÷ the named row's median, all from this run.",
		"Python rows: per-loop time of each timeit repeat (raw time ÷ loops), median over the repeats.",
		"Set+Reset rows: \"unset\" — the Var has no value before the loop; \"set\" — it was set to 0 once before it; Python's rows have the same two setups.",
		"context.Value depth 10 looks up the first-added key, 10 nodes from the Context used.",
		"server, service and middleware rows: ns/op is wall time per request over the RunParallel workers.",
		"service rows: a request through middleware that sets a request ID (the header's, checked and echoed) and a user, to a handler that starts two goroutines that read both, waits, and logs one record to which the logger's handler adds both; ctxvar: ctxvarhttp.Handler with RequestID and a Hook, ctxvar.Spawn, a ctxvarslog.Handler; context.Context: two middleware that each derive the ctx with context.WithValue and pass it on with r.WithContext, go with the ctx, a handler that reads the ctx.",
		"B/goroutine: live heap after collection (runtime/metrics /gc/heap/live:bytes) with 100,000 goroutines of the kind parked, less the same for 100,000 parked bare goroutines, ÷ 100,000; goroutine stacks are not heap and not counted; spread = largest − smallest.")
	byReason := map[string][]string{} // skip reason -> labels
	for l, why := range d.Skipped {
		byReason[why] = append(byReason[why], l)
	}
	var skips []string
	for why, ls := range byReason {
		sort.Strings(ls)
		skips = append(skips, fmt.Sprintf("skipped %s: %s", strings.Join(ls, ", "), why))
	}
	sort.Strings(skips)
	notes = append(notes, skips...)
	notes = append(notes, controlNotes...)
	notes = append(notes, d.Notes...)
	for _, m := range res.Missing {
		notes = append(notes, "MISSING: no samples for "+m)
	}
	for _, n := range notes {
		fmt.Fprintln(w, "- "+n)
	}
	return res
}

// evalCheck evaluates c on the row of series s, whose stats are st (ok
// false: it has none).
func evalCheck(c check, s series, st Stats, ok bool, stats func(series) (Stats, bool)) (ratio, target, mark string) {
	switch c.kind {
	case zeroAllocs:
		target = "0 allocs/op"
		switch {
		case !ok:
			return "n/a", target, "FAIL"
		case math.IsNaN(st.MaxAllocs):
			return "allocs not reported", target, "FAIL"
		}
		ratio = fmt.Sprintf("%s allocs/op (max)", fmtCount(st.MaxAllocs))
		if st.MaxAllocs == 0 {
			return ratio, target, "PASS"
		}
		return ratio, target, "FAIL"
	case valueAtMost:
		target = fmt.Sprintf("≤ %g %s", c.limit, s.metric())
		if !ok {
			return "n/a", target, "FAIL"
		}
		ratio = fmt.Sprintf("%s %s (median)", fmtValue(st.Med), s.metric())
		if st.Med <= c.limit {
			return ratio, target, "PASS"
		}
		return ratio, target, "FAIL"
	case allocsAtMostRef, addedAtMost, addedAllocsAtMost:
		return evalAdded(c, s, st, ok, stats)
	}
	target = fmt.Sprintf("≤ %g×", c.limit)
	if c.kind == info {
		target = "(info)"
	}
	ref, refOK := stats(c.ref)
	switch {
	case !refOK && c.ref.python:
		return fmt.Sprintf("vs %s: skipped", c.ref.label), target, "SKIP"
	case !ok || !refOK:
		return fmt.Sprintf("vs %s: n/a", c.ref.label), target, "FAIL"
	}
	pass := st.Med <= c.limit*ref.Med
	if ref.Med > 0 {
		ratio = fmtRatio(st.Med/ref.Med, c.limit, c.kind == info) + " " + c.ref.label
	} else {
		// A memory row's median can be 0 or below (the kind costs no more
		// than a bare goroutine): there is no ratio, but the limit still
		// compares.
		ratio = fmt.Sprintf("no ratio: %s vs %s %s", fmtValue(st.Med), fmtValue(ref.Med), c.ref.label)
	}
	switch {
	case c.kind == info:
		return ratio, target, "info"
	case pass:
		return ratio, target, "PASS"
	default:
		return ratio, target, "FAIL"
	}
}

// evalAdded evaluates the checks that compare a row with its reference by
// difference: what a wrapper adds to the work it wraps, in time or in
// allocations, or allocations against those of the same work done another
// way.
func evalAdded(c check, s series, st Stats, ok bool, stats func(series) (Stats, bool)) (ratio, target, mark string) {
	ref, refOK := stats(c.ref)
	var got, limit float64
	var unit string
	switch c.kind {
	case allocsAtMostRef:
		target = "allocs/op ≤ " + c.ref.label + "'s"
		got, limit, unit = st.Allocs-ref.Allocs, 0, "allocs/op"
	case addedAtMost:
		target = fmt.Sprintf("≤ +%g %s", c.limit, s.metric())
		got, limit, unit = st.Med-ref.Med, c.limit, s.metric()
	case addedAllocsAtMost:
		target = fmt.Sprintf("≤ +%g allocs/op", c.limit)
		got, limit, unit = st.Allocs-ref.Allocs, c.limit, "allocs/op"
	}
	switch {
	case !ok || !refOK:
		return fmt.Sprintf("vs %s: n/a", c.ref.label), target, "FAIL"
	case math.IsNaN(got):
		return "allocs not reported", target, "FAIL"
	}
	ratio = fmt.Sprintf("%+g %s over %s", got, unit, c.ref.label)
	if unit == s.metric() {
		ratio = fmt.Sprintf("%s %s over %s", fmtSigned(got), unit, c.ref.label)
	}
	if got <= limit {
		return ratio, target, "PASS"
	}
	return ratio, target, "FAIL"
}

// fmtSigned formats a difference in the row's unit, with its sign.
func fmtSigned(x float64) string {
	if x < 0 {
		return "−" + fmtValue(-x)
	}
	return "+" + fmtValue(x)
}

// controlNote explains a failed check whose control failed too.
func controlNote(c check, stats func(series) (Stats, bool)) string {
	if c.control == nil {
		return ""
	}
	x, okx := stats(c.control[0])
	y, oky := stats(c.control[1])
	if !okx || !oky || x.Med/y.Med <= c.limit {
		return ""
	}
	return fmt.Sprintf("the control (%s) missed the same target too, at %s %s: the machine could not show the effect in this run (busy?), so this FAIL says little",
		c.control[0].label, fmtRatio(x.Med/y.Med, c.limit, false), c.control[1].label)
}

// fmtRatio formats q with two decimals, or with as many more as it takes for
// the shown number to be on the same side of limit as q.
func fmtRatio(q, limit float64, info bool) string {
	for prec := 2; ; prec++ {
		s := strconv.FormatFloat(q, 'f', prec, 64)
		shown, _ := strconv.ParseFloat(s, 64)
		if info || prec == 6 || (shown <= limit) == (q <= limit) {
			return s + "×"
		}
	}
}

func writeRow(b *strings.Builder, cells []string) {
	b.WriteString("| ")
	b.WriteString(strings.Join(cells, " | "))
	b.WriteString(" |\n")
}

// fmtValue formats a median with about three significant digits.
func fmtValue(x float64) string {
	switch a := math.Abs(x); {
	case math.IsNaN(x):
		return "n/a"
	case a < 10:
		return fmt.Sprintf("%.2f", x)
	case a < 100:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.0f", x)
	}
}

// fmtSpread formats how far apart the samples are: relative to the median
// for times, in the unit for the memory rows, whose medians can be near 0.
func fmtSpread(st Stats, unit string) string {
	switch {
	case st.N < 2:
		return "—"
	case unit != unitNs:
		return fmtValue(st.Max - st.Min)
	case st.Med == 0:
		return "—"
	}
	return fmt.Sprintf("%.0f%%", (st.Max-st.Min)/st.Med*100)
}

func fmtCount(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	if x == math.Trunc(x) {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}
