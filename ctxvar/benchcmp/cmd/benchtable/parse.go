package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// A Key names one measured series: a Go benchmark name without its -GOMAXPROCS
// suffix plus that GOMAXPROCS (1 when the name has no suffix), or a Python
// timeit label (Procs 1).
type Key struct {
	Name  string
	Procs int
}

func (k Key) String() string {
	if k.Procs <= 1 { // 0: "any GOMAXPROCS" in a lookup that found nothing
		return k.Name
	}
	return k.Name + "-" + strconv.Itoa(k.Procs)
}

// Sample is one measurement: one line of go test -bench output, or one
// timeit repeat.
type Sample struct {
	NsPerOp     float64 // NaN when not reported (b.ReportMetric(0, "ns/op") drops it)
	BytesPerOp  float64 // NaN when not reported
	AllocsPerOp float64 // NaN when not reported
	// Metrics holds the values of the other units on the line, such as the
	// custom metrics of b.ReportMetric ("B/goroutine"); nil when none.
	Metrics map[string]float64
}

// Value returns the sample's value in unit, or NaN if it has none.
func (s Sample) Value(unit string) float64 {
	switch unit {
	case "ns/op":
		return s.NsPerOp
	case "B/op":
		return s.BytesPerOp
	case "allocs/op":
		return s.AllocsPerOp
	}
	if v, ok := s.Metrics[unit]; ok {
		return v
	}
	return math.NaN()
}

// Data is everything parsed from the inputs.
type Data struct {
	Samples map[Key][]Sample
	Skipped map[string]string // timeit label -> reason (from "=== skip")
	CPU     string            // the "cpu:" header of go test
	Notes   []string          // parse warnings
}

func newData() *Data {
	return &Data{Samples: map[Key][]Sample{}, Skipped: map[string]string{}}
}

// Input format. Lines are classified one by one, so Go and Python output can
// share one stream:
//
//	BenchmarkName[-P]  <iters>  <x> <unit>  [<y> <unit> ...]
//	cpu: <model>
//	=== timeit <label>       starts the output of one `python3 -m timeit` run
//	=== skip <label> <why>   the run of <label> was skipped
//	=== note <text>          a line for the notes under the table
//
// Inside a timeit section, `python3 -m timeit -v -r R` output is read:
//
//	raw times: 217 msec, 206 msec, ...   (total time of each repeat)
//	10000000 loops, best of 7: 13 nsec per loop
//
// A benchmark line has ns/op, B/op and allocs/op, and any custom metric of
// b.ReportMetric (such as "<b> B/goroutine"), in any order; ns/op may be
// missing when the benchmark dropped it.
//
// Every repeat gives one Sample (raw time / loops). Without -v there is only
// the best-of figure, which then is the one Sample.
// Everything else (goos:, PASS, ok, the -v autorange lines ...) is ignored.

// Parse reads r into d. name is used in error messages.
func (d *Data) Parse(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	var ti *timeitSection
	flush := func() error {
		if ti == nil {
			return nil
		}
		err := ti.finish(d)
		ti = nil
		return err
	}
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		where := fmt.Sprintf("%s:%d", name, lineNo)
		switch {
		case strings.HasPrefix(line, "=== timeit"):
			if err := flush(); err != nil {
				return err
			}
			label := strings.TrimSpace(strings.TrimPrefix(line, "=== timeit"))
			if label == "" {
				return fmt.Errorf("%s: timeit section without a label", where)
			}
			ti = &timeitSection{label: label, where: where}
		case strings.HasPrefix(line, "=== skip"):
			if err := flush(); err != nil {
				return err
			}
			f := strings.Fields(strings.TrimPrefix(line, "=== skip"))
			if len(f) == 0 {
				return fmt.Errorf("%s: skip without a label", where)
			}
			d.Skipped[f[0]] = strings.Join(f[1:], " ")
		case strings.HasPrefix(line, "=== note"):
			if err := flush(); err != nil {
				return err
			}
			d.Notes = append(d.Notes, strings.TrimSpace(strings.TrimPrefix(line, "=== note")))
		case strings.HasPrefix(line, "Benchmark"):
			k, s, ok, err := parseBenchLine(line)
			if err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
			if ok {
				d.Samples[k] = append(d.Samples[k], s)
			}
		case strings.HasPrefix(line, "cpu:"):
			d.CPU = strings.TrimSpace(strings.TrimPrefix(line, "cpu:"))
		case ti != nil && strings.HasPrefix(line, "raw times:"):
			if err := ti.parseRaw(line); err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
		case ti != nil && strings.Contains(line, " per loop"):
			if err := ti.parseBest(line); err != nil {
				return fmt.Errorf("%s: %v", where, err)
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	return flush()
}

// parseBenchLine parses one result line of go test -bench. ok is false for
// lines that start with "Benchmark" but carry no result (a name printed alone
// by -v, or output of the benchmark itself): no "<value> <unit>" pair.
func parseBenchLine(line string) (k Key, s Sample, ok bool, err error) {
	f := strings.Fields(line)
	if len(f) < 4 {
		return k, s, false, nil
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return k, s, false, nil
	}
	s = Sample{NsPerOp: math.NaN(), BytesPerOp: math.NaN(), AllocsPerOp: math.NaN()}
	for i := 2; i+1 < len(f); i += 2 {
		v, perr := strconv.ParseFloat(f[i], 64)
		if perr != nil {
			return k, s, false, fmt.Errorf("bad value %q in %q", f[i], line)
		}
		switch unit := f[i+1]; unit {
		case "ns/op":
			s.NsPerOp = v
		case "B/op":
			s.BytesPerOp = v
		case "allocs/op":
			s.AllocsPerOp = v
		default:
			if s.Metrics == nil {
				s.Metrics = map[string]float64{}
			}
			s.Metrics[unit] = v
		}
	}
	k.Name, k.Procs = splitProcs(f[0])
	return k, s, true, nil
}

// splitProcs splits the -GOMAXPROCS suffix that go test appends to a
// benchmark name when GOMAXPROCS is not 1 (so "-1" is never a suffix).
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name, 1
	}
	p, err := strconv.Atoi(name[i+1:])
	if err != nil || p < 2 {
		return name, 1
	}
	return name[:i], p
}

type timeitSection struct {
	label, where string
	raw          []float64 // seconds per repeat
	loops        int
	best         float64 // seconds per loop
	haveBest     bool
}

func (t *timeitSection) parseRaw(line string) error {
	for _, part := range strings.Split(strings.TrimPrefix(line, "raw times:"), ",") {
		sec, err := parseDuration(strings.TrimSpace(part))
		if err != nil {
			return err
		}
		t.raw = append(t.raw, sec)
	}
	return nil
}

// parseBest parses "10000000 loops, best of 7: 13 nsec per loop" (also
// "1 loop, best of 5: ...").
func (t *timeitSection) parseBest(line string) error {
	head, tail, found := strings.Cut(line, ":")
	if !found {
		return fmt.Errorf("unexpected timeit line %q", line)
	}
	hf := strings.Fields(head)
	if len(hf) < 2 || !strings.HasPrefix(hf[1], "loop") {
		return fmt.Errorf("unexpected timeit line %q", line)
	}
	n, err := strconv.Atoi(hf[0])
	if err != nil || n < 1 {
		return fmt.Errorf("bad loop count in %q", line)
	}
	best, err := parseDuration(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(tail), "per loop")))
	if err != nil {
		return err
	}
	t.loops, t.best, t.haveBest = n, best, true
	return nil
}

func (t *timeitSection) finish(d *Data) error {
	if !t.haveBest {
		return fmt.Errorf("%s: timeit %s: no \"per loop\" result", t.where, t.label)
	}
	k := Key{Name: t.label, Procs: 1}
	nan := math.NaN()
	if len(t.raw) == 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("timeit %s: no raw times (run timeit with -v); using its best-of figure", t.label))
		d.Samples[k] = append(d.Samples[k], Sample{NsPerOp: t.best * 1e9, BytesPerOp: nan, AllocsPerOp: nan})
		return nil
	}
	for _, r := range t.raw {
		d.Samples[k] = append(d.Samples[k], Sample{NsPerOp: r / float64(t.loops) * 1e9, BytesPerOp: nan, AllocsPerOp: nan})
	}
	return nil
}

var timeUnits = map[string]float64{"sec": 1, "msec": 1e-3, "usec": 1e-6, "nsec": 1e-9}

// parseDuration parses timeit's "<number> <unit>" into seconds.
func parseDuration(s string) (float64, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, fmt.Errorf("bad timeit duration %q", s)
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0, fmt.Errorf("bad timeit duration %q", s)
	}
	u, ok := timeUnits[f[1]]
	if !ok {
		return 0, fmt.Errorf("unknown timeit unit in %q", s)
	}
	return v * u, nil
}

// Stats summarizes the samples of one series in one unit.
type Stats struct {
	N             int     // samples that have a value in the unit
	Med, Min, Max float64 // median, smallest and largest value in the unit
	Bytes, Allocs float64 // medians of B/op and allocs/op; NaN when not reported
	MaxAllocs     float64 // the most allocs/op of any sample; NaN when not reported
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// summarize summarizes ss in unit; samples without a value in unit are
// left out (N counts the others), so N is 0 when none has one.
func summarize(ss []Sample, unit string) Stats {
	st := Stats{Med: math.NaN(), Min: math.NaN(), Max: math.NaN(), Bytes: math.NaN(), Allocs: math.NaN(), MaxAllocs: math.NaN()}
	var vs, by, al []float64
	for _, s := range ss {
		v := s.Value(unit)
		if math.IsNaN(v) {
			continue
		}
		vs = append(vs, v)
		if len(vs) == 1 {
			st.Min, st.Max = v, v
		}
		st.Min = math.Min(st.Min, v)
		st.Max = math.Max(st.Max, v)
		if !math.IsNaN(s.BytesPerOp) {
			by = append(by, s.BytesPerOp)
		}
		if !math.IsNaN(s.AllocsPerOp) {
			al = append(al, s.AllocsPerOp)
		}
	}
	st.N = len(vs)
	if st.N == 0 {
		return st
	}
	st.Med = median(vs)
	if len(by) > 0 {
		st.Bytes = median(by)
	}
	if len(al) > 0 {
		st.Allocs = median(al)
		st.MaxAllocs = al[0]
		for _, a := range al {
			st.MaxAllocs = math.Max(st.MaxAllocs, a)
		}
	}
	return st
}

// lookup returns the samples for name at procs; procs 0 means "the run's
// GOMAXPROCS": the highest procs measured for name.
func (d *Data) lookup(name string, procs int) (Key, []Sample) {
	if procs != 0 {
		k := Key{name, procs}
		return k, d.Samples[k]
	}
	best := Key{Name: name}
	for k := range d.Samples {
		if k.Name == name && k.Procs > best.Procs {
			best = k
		}
	}
	return best, d.Samples[best]
}
