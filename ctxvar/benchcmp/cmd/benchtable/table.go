package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Python timeit labels, as written by run.sh after "=== timeit".
const (
	pyGet      = "py-get"      // v.get(), v has a value
	pySetReset = "py-setreset" // v.reset(v.set(1))
	pyCopy     = "py-copy"     // contextvars.copy_context()
)

type checkKind int

const (
	ratioAtMost checkKind = iota // ns/op ÷ reference ns/op ≤ limit
	zeroAllocs                   // every sample reports 0 allocs/op
	info                         // ratio shown, no target
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
// GOMAXPROCS) or a Python timeit label.
type series struct {
	label  string // shown in the table
	name   string
	procs  int
	python bool
}

type row struct {
	series
	checks []check
}

var (
	sGet       = series{label: "ctxvar Get", name: "BenchmarkCtxvar/Get"}
	sGetOr     = series{label: "ctxvar GetOr", name: "BenchmarkCtxvar/GetOr"}
	sLookup    = series{label: "ctxvar Lookup", name: "BenchmarkCtxvar/Lookup"}
	sSRRun     = series{label: "ctxvar Set+Reset, in Context.Run", name: "BenchmarkCtxvar/SetReset/Run"}
	sSRSpawn   = series{label: "ctxvar Set+Reset, Spawn'd goroutine", name: "BenchmarkCtxvar/SetReset/Spawn"}
	sSRBare    = series{label: "ctxvar Set+Reset, bare goroutine", name: "BenchmarkCtxvar/SetReset/Bare"}
	sCopy1     = series{label: "ctxvar Copy, 1 Var set", name: "BenchmarkCtxvar/Copy/Vars=1"}
	sCopy1000  = series{label: "ctxvar Copy, 1000 Vars set", name: "BenchmarkCtxvar/Copy/Vars=1000"}
	sSpawn     = series{label: "ctxvar Spawn+wait", name: "BenchmarkCtxvar/SpawnWait"}
	sLive0     = series{label: "ctxvar Get, 0 other goroutines", name: "BenchmarkCtxvar/GetLive/Goroutines=0"}
	sLive100k  = series{label: "ctxvar Get, 100,000 live goroutines", name: "BenchmarkCtxvar/GetLive/Goroutines=100000"}
	sPar1      = series{label: "ctxvar Get, RunParallel -cpu 1", name: "BenchmarkParallel/CtxvarGet", procs: 1}
	sPar2      = series{label: "ctxvar Get, RunParallel -cpu 2", name: "BenchmarkParallel/CtxvarGet", procs: 2}
	sCtxPar1   = series{label: "context.Value d=1, RunParallel -cpu 1", name: "BenchmarkParallel/ContextValue", procs: 1}
	sCtxPar2   = series{label: "context.Value d=1, RunParallel -cpu 2", name: "BenchmarkParallel/ContextValue", procs: 2}
	sCtx1      = series{label: "context.Value, depth 1", name: "BenchmarkContextValue/Depth=1"}
	sCtx10     = series{label: "context.Value, depth 10 (first-added key)", name: "BenchmarkContextValue/Depth=10"}
	sTL        = series{label: "routine ThreadLocal.Get", name: "BenchmarkRoutine/ThreadLocalGet"}
	sITL       = series{label: "routine InheritableThreadLocal.Get", name: "BenchmarkRoutine/InheritableThreadLocalGet"}
	sRoutineGo = series{label: "routine.Go+wait", name: "BenchmarkRoutine/GoWait"}
	sBareGo    = series{label: "bare go+wait", name: "BenchmarkBareGoWait"}
	sPyGet     = series{label: "Python ContextVar.get()", name: pyGet, python: true}
	sPySR      = series{label: "Python v.reset(v.set(1))", name: pySetReset, python: true}
	sPyCopy    = series{label: "Python copy_context()", name: pyCopy, python: true}
)

func getChecks() []check {
	return []check{
		{kind: ratioAtMost, ref: sTL, limit: 0.8},
		{kind: ratioAtMost, ref: sPyGet, limit: 1},
		{kind: zeroAllocs},
	}
}

// rows is the table: the order of the rows and the targets. The limits are
// the targets; every ratio is computed from the measured medians.
var rows = []row{
	{sGet, getChecks()},
	{sGetOr, getChecks()},
	{sLookup, getChecks()},
	{sSRRun, []check{{kind: ratioAtMost, ref: sPySR, limit: 0.5}}},
	{sSRSpawn, []check{{kind: ratioAtMost, ref: sPySR, limit: 0.5}}},
	{sSRBare, []check{{kind: ratioAtMost, ref: sPySR, limit: 0.5}}},
	{sCopy1, []check{{kind: ratioAtMost, ref: sPyCopy, limit: 1}}},
	{sCopy1000, []check{
		{kind: ratioAtMost, ref: sCopy1, limit: 1.5},
		{kind: ratioAtMost, ref: sPyCopy, limit: 1},
	}},
	{sSpawn, []check{
		{kind: ratioAtMost, ref: sBareGo, limit: 1.3},
		{kind: info, ref: sRoutineGo},
	}},
	{sLive0, nil},
	{sLive100k, []check{{kind: ratioAtMost, ref: sLive0, limit: 1.5}}},
	{sPar1, nil},
	{sPar2, []check{{kind: ratioAtMost, ref: sPar1, limit: 0.6, control: &[2]series{sCtxPar2, sCtxPar1}}}},
	{sCtxPar1, nil},
	{sCtxPar2, []check{{kind: info, ref: sCtxPar1}}},
	{sCtx1, nil},
	{sCtx10, nil},
	{sTL, nil},
	{sITL, nil},
	{sRoutineGo, []check{{kind: info, ref: sBareGo}}},
	{sBareGo, nil},
	{sPyGet, nil},
	{sPySR, nil},
	{sPyCopy, nil},
}

// Result counts the marks of a table.
type Result struct {
	Pass, Fail, Skip int
	Missing          []string // Go benchmarks with no samples: a real error
}

// Render writes the markdown table and the notes below it.
func Render(w io.Writer, d *Data) Result {
	var res Result
	missing := map[string]bool{}
	stats := func(s series) (Stats, bool) {
		k, ss := d.lookup(s.name, s.procs)
		if len(ss) == 0 {
			if !s.python && !missing[k.String()] {
				missing[k.String()] = true
				res.Missing = append(res.Missing, k.String())
			}
			return Stats{}, false
		}
		return summarize(ss), true
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
	b.WriteString("| Benchmark | median ns/op | spread | B/op | allocs/op | runs | ratio | target | mark |\n")
	b.WriteString("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |\n")
	for _, r := range rows {
		st, ok := stats(r.series)
		cells := []string{r.label, absent(r.series), "", "", "", "0"}
		if ok {
			cells = []string{r.label, fmtNs(st.Ns), fmtSpread(st), fmtCount(st.Bytes), fmtCount(st.Allocs), fmt.Sprint(st.N)}
		}
		if len(r.checks) == 0 {
			writeRow(&b, append(cells, "", "", ""))
			continue
		}
		for i, c := range r.checks {
			if i > 0 {
				cells = []string{"", "", "", "", "", ""}
			}
			ratio, target, mark := evalCheck(c, st, ok, stats)
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
		"context.Value depth 10 looks up the first-added key, 10 nodes from the Context used.")
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

func evalCheck(c check, st Stats, ok bool, stats func(series) (Stats, bool)) (ratio, target, mark string) {
	if c.kind == zeroAllocs {
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
	q := st.Ns / ref.Ns
	ratio = fmtRatio(q, c.limit, c.kind == info) + " " + c.ref.label
	switch {
	case c.kind == info:
		return ratio, target, "info"
	case q <= c.limit:
		return ratio, target, "PASS"
	default:
		return ratio, target, "FAIL"
	}
}

// controlNote explains a failed check whose control failed too.
func controlNote(c check, stats func(series) (Stats, bool)) string {
	if c.control == nil {
		return ""
	}
	x, okx := stats(c.control[0])
	y, oky := stats(c.control[1])
	if !okx || !oky || x.Ns/y.Ns <= c.limit {
		return ""
	}
	return fmt.Sprintf("the control (%s) missed the same target too, at %s %s: the machine could not show the effect in this run (busy?), so this FAIL says little",
		c.control[0].label, fmtRatio(x.Ns/y.Ns, c.limit, false), c.control[1].label)
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

func fmtNs(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "n/a"
	case ns < 10:
		return fmt.Sprintf("%.2f", ns)
	case ns < 100:
		return fmt.Sprintf("%.1f", ns)
	default:
		return fmt.Sprintf("%.0f", ns)
	}
}

func fmtSpread(st Stats) string {
	if st.N < 2 || st.Ns == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%%", (st.Max-st.Min)/st.Ns*100)
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
