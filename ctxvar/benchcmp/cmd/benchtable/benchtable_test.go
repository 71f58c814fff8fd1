package main

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseBenchLine(t *testing.T) {
	tests := []struct {
		line    string
		ok      bool
		key     Key
		ns      float64
		bytes   float64
		allocs  float64
		metrics map[string]float64
	}{
		{"BenchmarkCtxvar/Get-2   \t1000000000\t         1.234 ns/op\t       0 B/op\t       0 allocs/op", true,
			Key{"BenchmarkCtxvar/Get", 2}, 1.234, 0, 0, nil},
		{"BenchmarkParallel/CtxvarGet \t 500000000 \t 2.5 ns/op", true,
			Key{"BenchmarkParallel/CtxvarGet", 1}, 2.5, math.NaN(), math.NaN(), nil},
		{"BenchmarkCtxvar/GetLive/Goroutines=100000-16  100  12.5 ns/op  8 B/op  1 allocs/op", true,
			Key{"BenchmarkCtxvar/GetLive/Goroutines=100000", 16}, 12.5, 8, 1, nil},
		{"BenchmarkCtxvar/Copy/Vars=1000  100  30 ns/op  48 B/op  1 allocs/op", true,
			Key{"BenchmarkCtxvar/Copy/Vars=1000", 1}, 30, 48, 1, nil},
		{"BenchmarkX/a-b-4  10  7 ns/op  3.5 MB/s", true, Key{"BenchmarkX/a-b", 4}, 7, math.NaN(), math.NaN(),
			map[string]float64{"MB/s": 3.5}},
		// A memory row: b.ReportMetric(0, "ns/op") dropped ns/op.
		{"BenchmarkMemory/Ctxvar/SpawnReader-2 \t 1 \t 335.1 B/goroutine \t 3456789 B/op \t 100012 allocs/op", true,
			Key{"BenchmarkMemory/Ctxvar/SpawnReader", 2}, math.NaN(), 3456789, 100012, map[string]float64{"B/goroutine": 335.1}},
		{"BenchmarkMemory/Routine/GoReader \t 1 \t -0.0032 B/goroutine", true,
			Key{"BenchmarkMemory/Routine/GoReader", 1}, math.NaN(), math.NaN(), math.NaN(), map[string]float64{"B/goroutine": -0.0032}},
		{"BenchmarkCtxvar", false, Key{}, 0, 0, 0, nil},                   // -v prints the parent alone
		{"BenchmarkCtxvar/Get-2", false, Key{}, 0, 0, 0, nil},             // name line without result
		{"Benchmarking is fun, said the log", false, Key{}, 0, 0, 0, nil}, // output of a benchmark
	}
	for _, tt := range tests {
		k, s, ok, err := parseBenchLine(tt.line)
		if err != nil {
			t.Errorf("parseBenchLine(%q): %v", tt.line, err)
			continue
		}
		if ok != tt.ok {
			t.Errorf("parseBenchLine(%q): ok = %v, want %v", tt.line, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if k != tt.key || !sameFloat(s.NsPerOp, tt.ns) || !sameFloat(s.BytesPerOp, tt.bytes) || !sameFloat(s.AllocsPerOp, tt.allocs) ||
			!maps.Equal(s.Metrics, tt.metrics) {
			t.Errorf("parseBenchLine(%q) = %v %+v, want %v ns=%v B=%v allocs=%v metrics=%v", tt.line, k, s, tt.key, tt.ns, tt.bytes, tt.allocs, tt.metrics)
		}
		for unit, v := range tt.metrics {
			if s.Value(unit) != v {
				t.Errorf("parseBenchLine(%q).Value(%q) = %v, want %v", tt.line, unit, s.Value(unit), v)
			}
		}
		if !math.IsNaN(s.Value("no/such")) {
			t.Errorf("parseBenchLine(%q).Value of an absent unit is not NaN", tt.line)
		}
	}
	if _, _, _, err := parseBenchLine("BenchmarkY-2  100  fast ns/op"); err == nil {
		t.Error("parseBenchLine accepted a non-number value")
	}
}

func sameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

func TestSplitProcs(t *testing.T) {
	for in, want := range map[string]Key{
		"BenchmarkA":         {"BenchmarkA", 1},
		"BenchmarkA-2":       {"BenchmarkA", 2},
		"BenchmarkA/b-c":     {"BenchmarkA/b-c", 1},
		"BenchmarkA/n=-1":    {"BenchmarkA/n=-1", 1},
		"BenchmarkA/n=-0":    {"BenchmarkA/n=-0", 1},
		"BenchmarkA/x=1-128": {"BenchmarkA/x=1", 128},
	} {
		n, p := splitProcs(in)
		if (Key{n, p}) != want {
			t.Errorf("splitProcs(%q) = %q, %d; want %v", in, n, p, want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{9, 1, 1, 1, 9}, 1},
	} {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if !math.IsNaN(median(nil)) {
		t.Error("median(nil) is not NaN")
	}
	in := []float64{3, 1, 2}
	median(in)
	if in[0] != 3 {
		t.Error("median sorted its argument in place")
	}
}

// timeitVerbose is real `python3 -m timeit -v -r 7` output (autorange
// abridged).
const timeitVerbose = `=== timeit py-get
1 loop -> 3.16e-06 secs
2 loops -> 5.11e-07 secs
10000000 loops -> 0.219 secs

raw times: 217 msec, 206 msec, 207 msec, 172 msec, 130 msec, 131 msec, 131 msec

10000000 loops, best of 7: 13 nsec per loop
`

func TestParseTimeit(t *testing.T) {
	d := newData()
	in := timeitVerbose +
		"=== timeit py-copy\n1 loop, best of 5: 1.5 usec per loop\n" +
		"=== timeit py-setreset-set\n" +
		"raw times: 0.5 sec, 1.5 sec, 1 sec\n\n2000000 loops, best of 3: 2.5e-07 sec per loop\n" +
		"=== skip py-other python3 not found\n"
	if err := d.Parse(strings.NewReader(in), "t"); err != nil {
		t.Fatal(err)
	}
	get := summarize(d.Samples[Key{pyGet, 1}], unitNs)
	if get.N != 7 || math.Abs(get.Med-17.2) > 1e-9 || math.Abs(get.Min-13.0) > 1e-9 || math.Abs(get.Max-21.7) > 1e-9 {
		t.Errorf("py-get: %+v, want 7 samples, median 17.2, min 13, max 21.7", get)
	}
	if !math.IsNaN(get.Allocs) {
		t.Errorf("py-get allocs = %v, want NaN", get.Allocs)
	}
	cp := summarize(d.Samples[Key{pyCopy, 1}], unitNs)
	if cp.N != 1 || math.Abs(cp.Med-1500) > 1e-9 {
		t.Errorf("py-copy (best-of only): %+v, want 1 sample of 1500 ns", cp)
	}
	if len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "py-copy") {
		t.Errorf("notes = %q, want one about py-copy's missing raw times", d.Notes)
	}
	sr := summarize(d.Samples[Key{pySetResetSet, 1}], unitNs)
	if sr.N != 3 || math.Abs(sr.Med-500) > 1e-9 {
		t.Errorf("py-setreset-set: %+v, want median 1 sec / 2e6 loops = 500 ns", sr)
	}
	if d.Skipped["py-other"] != "python3 not found" {
		t.Errorf("skipped = %q", d.Skipped)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"=== timeit\n",
		"=== timeit py-get\nraw times: 1 fortnight\n1 loop, best of 1: 1 sec per loop\n",
		"=== timeit py-get\nraw times: 1 sec\n",                // section never finished
		"=== timeit py-get\nnonsense per loop\n",               // unparsable result
		"=== timeit py-get\n10 loops, best of 1: 3 per loop\n", // no unit
		"BenchmarkA-2  10  x ns/op\n",
	} {
		if err := newData().Parse(strings.NewReader(in), "t"); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", in)
		}
	}
}

// allRows returns the rows of every section, in order.
func allRows() []row {
	var rs []row
	for _, sec := range sections {
		rs = append(rs, sec.rows...)
	}
	return rs
}

// synthetic writes go test -bench output for every Go row with count
// samples around the value in goVal (median exactly that value): ns/op for
// time rows, the custom metric alone for memory rows, as BenchmarkMemory
// reports it; and timeit output for the Python rows in py.
func synthetic(goVal map[series]float64, allocs map[series]float64, py map[series]float64, count int) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: github.com/ctxvar/ctxvar/ctxvar/benchcmp\ncpu: Synthetic CPU @ 1GHz\n")
	for _, r := range allRows() {
		if r.python {
			continue
		}
		v, ok := goVal[r.series]
		if !ok {
			continue
		}
		procs := r.procs
		if procs == 0 {
			procs = 2
		}
		name := r.name
		if procs != 1 {
			name += fmt.Sprintf("-%d", procs)
		}
		for i := range count {
			f := 1 + 0.01*float64(i-count/2)
			if r.metric() == unitNs {
				fmt.Fprintf(&b, "%s \t 1000000 \t %.4f ns/op \t 0 B/op \t %g allocs/op\n", name, v*f, allocs[r.series])
			} else {
				fmt.Fprintf(&b, "%s \t 1 \t %.4f %s \t 3456789 B/op \t 100012 allocs/op\n", name, v*f, r.metric())
			}
		}
	}
	b.WriteString("PASS\nok  \tgithub.com/ctxvar/ctxvar/ctxvar/benchcmp\t12.3s\n")
	for s, ns := range py {
		loops := 1000000
		fmt.Fprintf(&b, "=== timeit %s\n", s.name)
		var raw []string
		for i := range 7 {
			f := 1 + 0.02*float64(i-3)
			raw = append(raw, fmt.Sprintf("%.6g msec", ns*f*float64(loops)/1e6))
		}
		fmt.Fprintf(&b, "raw times: %s\n\n%d loops, best of 7: %.3g nsec per loop\n", strings.Join(raw, ", "), loops, ns*0.94)
	}
	return b.String()
}

// goodNs meets every target: ns/op of the time rows, B/goroutine of the
// memory rows.
func goodNs() map[series]float64 {
	return map[series]float64{
		sGet: 2, sGetOr: 2, sLookup: 2.2,
		sSRUnsetBare: 45, sSRUnsetSpawn: 45, sSRUnsetRun: 40,
		sSRSetBare: 40, sSRSetSpawn: 40, sSRSetRun: 40,
		sCopy1: 20, sCopy1000: 21,
		sSpawn: 300, sLive0: 2, sLive100k: 2.1,
		sPar1: 2, sPar2: 1.05, sCtxPar1: 4, sCtxPar2: 2.1,
		sServer: 2100, sServerCtx: 2000, sServerRoutine: 3000, sServerLS: 2500,
		sService: 2100, sServiceCtx: 2050, sMiddleware: 95, sMiddlewareBare: 12,
		sCtx1: 4, sCtx10: 25, sTL: 5, sITL: 5.5,
		sRoutineSRUnset: 30, sRoutineSRSet: 40, sRoutineGo: 600,
		sLSSRUnset: 150, sLSSRSet: 150, sLSGo: 500,
		sBareGo:         250,
		sMemSpawnReader: 40, sMemRoutineRead: 350, sMemLSRead: 54,
		sMemBareSet: 150, sMemRoutineSet: 216, sMemLSSet: 88,
	}
}

func goodPy() map[series]float64 {
	return map[series]float64{sPyGet: 15, sPySRUnset: 100, sPySRSet: 90, sPyCopy: 60}
}

func render(t *testing.T, in string) (string, Result) {
	t.Helper()
	d := newData()
	if err := d.Parse(strings.NewReader(in), "synthetic"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res := Render(&out, d)
	return out.String(), res
}

// cells returns the cells of the table line that starts with label (or the
// n-th continuation line after it).
func cells(t *testing.T, table, label string, n int) []string {
	t.Helper()
	lines := strings.Split(table, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "| "+label+" |") {
			if i+n >= len(lines) {
				break
			}
			var cs []string
			for _, c := range strings.Split(strings.Trim(lines[i+n], "|"), "|") {
				cs = append(cs, strings.TrimSpace(c))
			}
			return cs
		}
	}
	t.Fatalf("no row %q (+%d) in\n%s", label, n, table)
	return nil
}

// TestSections checks the table's definition: every row is in its
// section's unit, a ratio compares rows of one unit, and no Go benchmark
// has two rows.
func TestSections(t *testing.T) {
	seen := map[Key]string{}
	for _, sec := range sections {
		for _, r := range sec.rows {
			if r.metric() != sec.unit {
				t.Errorf("row %q is in %s, its section in %s", r.label, r.metric(), sec.unit)
			}
			for _, c := range r.checks {
				if (c.kind == ratioAtMost || c.kind == info) && c.ref.metric() != r.metric() {
					t.Errorf("row %q (%s) compares with %q (%s)", r.label, r.metric(), c.ref.label, c.ref.metric())
				}
			}
			k := Key{r.name, r.procs}
			if other, dup := seen[k]; dup {
				t.Errorf("rows %q and %q both show %v", other, r.label, k)
			}
			seen[k] = r.label
		}
	}
}

func TestRenderAllPass(t *testing.T) {
	in := synthetic(goodNs(), nil, goodPy(), 5) + "=== note go: go1.26.8, load average 0.31 0.15 0.05\n"
	table, res := render(t, in)
	t.Log("\n" + table)
	// 3×3 (Get, GetOr, Lookup) + 6 Set+Reset + 1 + 2 Copy + 1 Spawn + 1 live +
	// 1 parallel + 1 server + 2×2 memory.
	if res.Pass != 30 || res.Fail != 0 || res.Skip != 0 || len(res.Missing) != 0 {
		t.Errorf("result %+v, want 30 PASS and nothing else", res)
	}
	get := cells(t, table, sGet.label, 0)
	want := []string{sGet.label, "2.00", "4%", "0", "0", "5", "0.40× routine ThreadLocal.Get", "≤ 0.8×", "PASS"}
	if strings.Join(get, "|") != strings.Join(want, "|") {
		t.Errorf("Get row = %q, want %q", get, want)
	}
	if c := cells(t, table, sGet.label, 1); c[0] != "" || c[6] != "0.13× Python ContextVar.get()" || c[8] != "PASS" {
		t.Errorf("Get row, 2nd check = %q", c)
	}
	if c := cells(t, table, sGet.label, 2); c[6] != "0 allocs/op (max)" || c[8] != "PASS" {
		t.Errorf("Get row, allocs check = %q", c)
	}
	if c := cells(t, table, sSRUnsetBare.label, 0); c[6] != "0.45× Python v.reset(v.set(1)), unset" || c[8] != "PASS" {
		t.Errorf("Set+Reset unset row = %q", c)
	}
	if c := cells(t, table, sSRUnsetBare.label, 1); c[6] != "1.50× "+sRoutineSRUnset.label || c[7] != "(info)" || c[8] != "info" {
		t.Errorf("Set+Reset unset row, routine ratio = %q", c)
	}
	if c := cells(t, table, sSRUnsetBare.label, 2); c[6] != "0.30× "+sLSSRUnset.label || c[8] != "info" {
		t.Errorf("Set+Reset unset row, localsession ratio = %q", c)
	}
	if c := cells(t, table, sSRSetRun.label, 0); c[6] != "0.44× Python v.reset(v.set(1)), set" || c[8] != "PASS" {
		t.Errorf("Set+Reset set row = %q", c)
	}
	if c := cells(t, table, sSpawn.label, 0); c[6] != "1.20× bare go+wait" || c[8] != "PASS" {
		t.Errorf("Spawn row = %q", c)
	}
	if c := cells(t, table, sSpawn.label, 1); c[6] != "0.50× routine.Go+wait" || c[8] != "info" {
		t.Errorf("Spawn row, routine ratio = %q", c)
	}
	if c := cells(t, table, sSpawn.label, 2); c[6] != "0.60× localsession.Go+wait" || c[8] != "info" {
		t.Errorf("Spawn row, localsession ratio = %q", c)
	}
	if c := cells(t, table, sPar2.label, 0); c[6] != "0.53× ctxvar Get, RunParallel -cpu 1" || c[8] != "PASS" {
		t.Errorf("parallel row = %q", c)
	}
	if c := cells(t, table, sServer.label, 0); c[1] != "2100" || c[6] != "1.05× server request, context.Context" || c[7] != "≤ 1.1×" || c[8] != "PASS" {
		t.Errorf("server row = %q", c)
	}
	if c := cells(t, table, sService.label, 0); c[6] != "1.02× service request, context.Context" || c[7] != "≤ 1.05×" || c[8] != "PASS" {
		t.Errorf("service row = %q", c)
	}
	if c := cells(t, table, sService.label, 1); c[6] != "+0 allocs/op over service request, context.Context" || c[8] != "PASS" {
		t.Errorf("service row, allocations = %q", c)
	}
	if c := cells(t, table, sMiddleware.label, 0); c[6] != "+83.0 ns/op over empty handler" || c[7] != "≤ +150 ns/op" || c[8] != "PASS" {
		t.Errorf("middleware row = %q", c)
	}
	if c := cells(t, table, sMiddleware.label, 1); c[6] != "+0 allocs/op over empty handler" || c[7] != "≤ +2 allocs/op" || c[8] != "PASS" {
		t.Errorf("middleware row, allocations = %q", c)
	}
	if c := cells(t, table, sPyGet.label, 0); c[1] != "15.0" || c[3] != "—" || c[5] != "7" {
		t.Errorf("Python get row = %q", c)
	}
	for _, s := range []string{
		"Targets: 30 PASS, 0 FAIL, 0 SKIP.", "- cpu: Synthetic CPU @ 1GHz", "- go: go1.26.8, load average 0.31 0.15 0.05",
		"| Benchmark | median ns/op | spread | B/op | allocs/op | runs | ratio | target | mark |\n",
		"\n\nMemory per live goroutine",
		"| Benchmark | median B/goroutine | spread (max − min) | runs | ratio | target | mark |\n| --- | ---: | ---: | ---: | --- | --- | --- |\n",
	} {
		if !strings.Contains(table, s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

// TestRenderMemory checks the memory section: the custom metric's median,
// its spread in bytes, the absolute limits, and ratios against a reference
// of 0 or less.
func TestRenderMemory(t *testing.T) {
	ns := goodNs()
	table, _ := render(t, synthetic(ns, nil, goodPy(), 5))
	want := []string{sMemSpawnReader.label, "40.0", "1.60", "5", "40.0 B/goroutine (median)", "≤ 64 B/goroutine", "PASS"}
	if c := cells(t, table, sMemSpawnReader.label, 0); strings.Join(c, "|") != strings.Join(want, "|") {
		t.Errorf("Spawn'd reader row = %q, want %q", c, want)
	}
	if c := cells(t, table, sMemSpawnReader.label, 1); c[4] != "0.11× routine.Go reader" || c[5] != "≤ 1×" || c[6] != "PASS" {
		t.Errorf("Spawn'd reader row, routine check = %q", c)
	}
	if c := cells(t, table, sMemSpawnReader.label, 2); c[4] != "0.74× localsession.Go reader" || c[6] != "info" {
		t.Errorf("Spawn'd reader row, localsession ratio = %q", c)
	}

	ns[sMemSpawnReader] = 70  // over 64 B: FAIL, though under routine's
	ns[sMemBareSet] = 230     // over 192 B and over routine's 216: two FAILs
	ns[sMemLSRead] = 0        // no ratio against 0
	ns[sMemRoutineSet] = -0.5 // a reference below 0 still compares
	ns[sMemLSSet] = 88
	table, res := render(t, synthetic(ns, nil, goodPy(), 5))
	t.Log("\n" + table)
	if res.Fail != 3 || res.Pass != 27 {
		t.Errorf("result %+v, want 3 FAIL, 27 PASS", res)
	}
	if c := cells(t, table, sMemSpawnReader.label, 0); c[4] != "70.0 B/goroutine (median)" || c[6] != "FAIL" {
		t.Errorf("Spawn'd reader row = %q", c)
	}
	if c := cells(t, table, sMemSpawnReader.label, 2); c[4] != "no ratio: 70.0 vs 0.00 localsession.Go reader" || c[6] != "info" {
		t.Errorf("Spawn'd reader row, ratio against 0 = %q", c)
	}
	if c := cells(t, table, sMemBareSet.label, 1); c[4] != "no ratio: 230 vs -0.50 "+sMemRoutineSet.label || c[6] != "FAIL" {
		t.Errorf("bare Set row, ratio against a negative reference = %q", c)
	}
	if !strings.Contains(table, "FAIL: ctxvar Spawn'd reader; ctxvar bare goroutine, one Set.") {
		t.Errorf("summary does not list the failing memory rows:\n%s", table)
	}
}

// TestRenderMemoryMissingMetric: a memory benchmark that ran but did not
// report its metric is missing, which is an error.
func TestRenderMemoryMissingMetric(t *testing.T) {
	ns := goodNs()
	delete(ns, sMemBareSet)
	in := synthetic(ns, nil, goodPy(), 3) + "BenchmarkMemory/Ctxvar/BareSet-2 \t 1 \t 12345 ns/op\n"
	table, res := render(t, in)
	if strings.Join(res.Missing, ",") != "BenchmarkMemory/Ctxvar/BareSet-2 (B/goroutine)" {
		t.Errorf("missing = %q", res.Missing)
	}
	if c := cells(t, table, sMemBareSet.label, 0); c[1] != "MISSING" || c[6] != "FAIL" {
		t.Errorf("bare Set row = %q", c)
	}
}

func TestRenderFailures(t *testing.T) {
	ns := goodNs()
	ns[sGet] = 4.5          // 0.9× routine: FAIL; 0.3× python: PASS
	ns[sCopy1000] = 35      // 1.75× Copy/1: FAIL
	ns[sLive100k] = 3.5     // 1.75×: FAIL
	ns[sPar2] = 1.9         // 0.95×: FAIL
	ns[sSRSetBare] = 45.5   // 0.51× python (set): FAIL
	ns[sSRUnsetSpawn] = 49  // 0.49× python (unset): PASS, though over the set scenario's half
	ns[sServer] = 2300      // 1.15× context: FAIL
	ns[sRoutineGo] = 100    // info never fails
	ns[sServerRoutine] = 10 // nor here
	allocs := map[series]float64{sLookup: 1}
	table, res := render(t, synthetic(ns, allocs, goodPy(), 5))
	t.Log("\n" + table)
	if res.Fail != 7 || res.Pass != 23 {
		t.Errorf("result %+v, want 7 FAIL, 23 PASS", res)
	}
	if c := cells(t, table, sGet.label, 0); c[6] != "0.90× routine ThreadLocal.Get" || c[8] != "FAIL" {
		t.Errorf("Get row = %q", c)
	}
	if c := cells(t, table, sLookup.label, 2); c[6] != "1 allocs/op (max)" || c[8] != "FAIL" {
		t.Errorf("Lookup allocs = %q", c)
	}
	if c := cells(t, table, sSRSetBare.label, 0); c[6] != "0.51× Python v.reset(v.set(1)), set" || c[8] != "FAIL" {
		t.Errorf("Set+Reset set, bare = %q", c)
	}
	if c := cells(t, table, sSRUnsetSpawn.label, 0); c[6] != "0.49× Python v.reset(v.set(1)), unset" || c[8] != "PASS" {
		t.Errorf("Set+Reset unset, Spawn = %q", c)
	}
	if strings.Contains(table, "the control") {
		t.Errorf("control note although the control scaled:\n%s", table)
	}
	if !strings.Contains(table, "FAIL: ctxvar Get; ctxvar Lookup; ctxvar Set+Reset, set, bare goroutine; ctxvar Copy, 1000 Vars set; "+
		"ctxvar Get, 100,000 live goroutines; ctxvar Get, RunParallel -cpu 2; server request, ctxvar.") {
		t.Errorf("summary does not list the failing rows once each:\n%s", table)
	}
}

// TestRenderAddedFailures checks the checks by difference: more time or
// allocations added than the limit, more allocations than the reference.
func TestRenderAddedFailures(t *testing.T) {
	ns := goodNs()
	ns[sService] = 2214 // 1.08× context: FAIL
	ns[sMiddleware] = 170
	allocs := map[series]float64{sService: 10, sServiceCtx: 9, sMiddleware: 3}
	table, res := render(t, synthetic(ns, allocs, goodPy(), 5))
	t.Log("\n" + table)
	if res.Fail != 4 || res.Pass != 26 {
		t.Errorf("result %+v, want 4 FAIL, 26 PASS", res)
	}
	for i, want := range []string{"1.08× service request, context.Context", "+1 allocs/op over service request, context.Context"} {
		if c := cells(t, table, sService.label, i); c[6] != want || c[8] != "FAIL" {
			t.Errorf("service row %d = %q; want %q, FAIL", i, c, want)
		}
	}
	for i, want := range []string{"+158 ns/op over empty handler", "+3 allocs/op over empty handler"} {
		if c := cells(t, table, sMiddleware.label, i); c[6] != want || c[8] != "FAIL" {
			t.Errorf("middleware row %d = %q; want %q, FAIL", i, c, want)
		}
	}
	// Fewer allocations than the reference pass.
	allocs = map[series]float64{sService: 8, sServiceCtx: 9}
	table, _ = render(t, synthetic(goodNs(), allocs, goodPy(), 5))
	if c := cells(t, table, sService.label, 1); c[6] != "-1 allocs/op over service request, context.Context" || c[8] != "PASS" {
		t.Errorf("service row, fewer allocations = %q", c)
	}
}

func TestRenderPythonSkipped(t *testing.T) {
	in := synthetic(goodNs(), nil, nil, 5) + "=== skip py-get python3 not found\n=== skip py-copy python3 not found\n=== skip py-x other\n"
	table, res := render(t, in)
	// Python checks: 3 (get) + 6 (set+reset) + 2 (copy).
	if res.Skip != 11 || res.Fail != 0 || res.Pass != 19 || len(res.Missing) != 0 {
		t.Errorf("result %+v, want 11 SKIP, 19 PASS", res)
	}
	if c := cells(t, table, sPyGet.label, 0); c[1] != "skipped" {
		t.Errorf("Python row = %q", c)
	}
	if c := cells(t, table, sCopy1.label, 0); c[6] != "vs Python copy_context(): skipped" || c[8] != "SKIP" {
		t.Errorf("Copy row = %q", c)
	}
	if !strings.Contains(table, "- skipped py-copy, py-get: python3 not found\n- skipped py-x: other\n") {
		t.Errorf("skip note missing:\n%s", table)
	}
}

func TestRenderMissingGo(t *testing.T) {
	ns := goodNs()
	delete(ns, sTL)
	delete(ns, sPar1)
	delete(ns, sMemRoutineRead)
	table, res := render(t, synthetic(ns, nil, goodPy(), 3))
	if strings.Join(res.Missing, ",") != "BenchmarkRoutine/ThreadLocalGet,BenchmarkParallel/CtxvarGet,BenchmarkMemory/Routine/GoReader" {
		t.Errorf("missing = %q", res.Missing)
	}
	if c := cells(t, table, sTL.label, 0); c[1] != "MISSING" {
		t.Errorf("routine row = %q", c)
	}
	if c := cells(t, table, sGet.label, 0); c[6] != "vs routine ThreadLocal.Get: n/a" || c[8] != "FAIL" {
		t.Errorf("Get row = %q", c)
	}
	if c := cells(t, table, sMemSpawnReader.label, 1); c[4] != "vs routine.Go reader: n/a" || c[6] != "FAIL" {
		t.Errorf("Spawn'd reader row = %q", c)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	goFile := filepath.Join(dir, "go.txt")
	pyFile := filepath.Join(dir, "py.txt")
	ns := goodNs()
	ns[sGet] = 100 // FAIL
	full := synthetic(ns, nil, goodPy(), 5)
	i := strings.Index(full, "=== timeit")
	if err := os.WriteFile(goFile, []byte(full[:i]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pyFile, []byte(full[i:]), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{goFile, pyFile}, nil, &out, &errOut, false); code != 0 {
		t.Errorf("run = %d, want 0 (FAIL marks are not errors); stderr %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "| ctxvar Get | 100 |") {
		t.Errorf("output:\n%s", out.String())
	}
	if code := run([]string{goFile, pyFile}, nil, &out, &errOut, true); code != 3 {
		t.Errorf("run -strict = %d, want 3", code)
	}
	if code := run([]string{"-"}, strings.NewReader(full), &out, &errOut, false); code != 0 {
		t.Errorf("run on stdin = %d, want 0", code)
	}
	if code := run([]string{pyFile}, nil, &out, &errOut, false); code != 1 {
		t.Errorf("run without Go results = %d, want 1", code)
	}
	if code := run([]string{filepath.Join(dir, "nope")}, nil, &out, &errOut, false); code != 1 {
		t.Errorf("run on a missing file = %d, want 1", code)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("=== timeit py-get\n"), 0o644)
	if code := run([]string{goFile, bad}, nil, &out, &errOut, false); code != 1 {
		t.Errorf("run on a truncated timeit section = %d, want 1", code)
	}
}

func TestFmtRatio(t *testing.T) {
	for _, tt := range []struct {
		q, limit float64
		info     bool
		want     string
	}{
		{0.4, 0.8, false, "0.40×"},
		{0.505, 0.5, false, "0.51×"},
		{0.5001, 0.5, false, "0.5001×"},
		{0.5049, 0.5, false, "0.505×"},
		{0.50001, 0.5, false, "0.50001×"},
		{0.5, 0.5, false, "0.50×"},
		{0.5041, 0.5, true, "0.50×"},
		{1.296, 1.3, false, "1.30×"},
		{1.3004, 1.3, false, "1.3004×"},
	} {
		if got := fmtRatio(tt.q, tt.limit, tt.info); got != tt.want {
			t.Errorf("fmtRatio(%v, %v, %v) = %q, want %q", tt.q, tt.limit, tt.info, got, tt.want)
		}
	}
}

func TestRenderControlNote(t *testing.T) {
	ns := goodNs()
	ns[sPar2] = 1.9    // 0.95×: FAIL
	ns[sCtxPar2] = 4.4 // the control did not scale either
	table, res := render(t, synthetic(ns, nil, goodPy(), 5))
	if res.Fail != 1 {
		t.Errorf("result %+v, want 1 FAIL", res)
	}
	want := "- ctxvar Get, RunParallel -cpu 2: the control (context.Value d=1, RunParallel -cpu 2) missed the same target too, at 1.10× context.Value d=1, RunParallel -cpu 1"
	if !strings.Contains(table, want) {
		t.Errorf("no control note %q in\n%s", want, table)
	}
}
