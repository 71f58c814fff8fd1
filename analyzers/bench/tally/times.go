package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The raw timing format, one record a line (blank lines and lines starting
// with # are skipped):
//
//	note TEXT...                  printed under the table
//	target NAME LIMIT PACKAGES    a measured target, in table order; LIMIT is the
//	                              largest ctxvarlint ÷ no-op-with-facts wall-clock
//	                              ratio that passes (0: no target); PACKAGES is
//	                              the number of packages the drivers load
//	scale SMALL LARGE LIMIT       ctxvarlint's wall-clock time on LARGE ÷ on SMALL
//	                              must be at most LIMIT
//	time TARGET TOOL ROUND WALL USER SYS  one run, in seconds
//
// TOOL is one of the names in tools. A round runs every tool on every
// target once, close together in time; ratios are computed both of the
// medians and per round (paired), and the median of the paired ratios is
// what the targets are judged by, since it cancels the drift in the
// machine's speed that a shared machine shows over minutes. A target passes
// only if both ratios are within its limit, so that noise in either cannot
// make a PASS.

// tools are the measured drivers, in column order; the first is measured
// against the others, and the second is the baseline of the targets.
var tools = []struct{ name, title string }{
	{"ctxvarlint", "ctxvarlint"},
	{"noopfacts", "no-op, facts"},
	{"noop", "no-op, no facts"},
}

type target struct {
	name     string
	limit    float64
	packages int
}

type scale struct {
	small, large string
	limit        float64
}

// sample is the times of one run.
type sample struct {
	round     int
	wall, cpu float64
}

type timings struct {
	targets []target
	scales  []scale
	notes   []string
	runs    map[[2]string][]sample // by target and tool
}

func (t *timings) parse(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s: %q", name, line, fmt.Sprintf(format, args...), text)
		}
		switch f[0] {
		case "note":
			t.notes = append(t.notes, strings.TrimSpace(strings.TrimPrefix(text, "note")))
		case "target":
			if len(f) != 4 {
				return bad("want: target NAME LIMIT PACKAGES")
			}
			limit, err1 := strconv.ParseFloat(f[2], 64)
			pkgs, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil || limit < 0 || pkgs < 0 {
				return bad("bad limit or package count")
			}
			if slices.ContainsFunc(t.targets, func(x target) bool { return x.name == f[1] }) {
				return bad("target %s declared twice", f[1])
			}
			t.targets = append(t.targets, target{f[1], limit, pkgs})
		case "scale":
			if len(f) != 4 {
				return bad("want: scale SMALL LARGE LIMIT")
			}
			limit, err := strconv.ParseFloat(f[3], 64)
			if err != nil || limit <= 0 {
				return bad("bad limit")
			}
			t.scales = append(t.scales, scale{f[1], f[2], limit})
		case "time":
			if len(f) != 7 {
				return bad("want: time TARGET TOOL ROUND WALL USER SYS")
			}
			round, err := strconv.Atoi(f[3])
			if err != nil || round < 0 {
				return bad("bad round %s", f[3])
			}
			if !slices.ContainsFunc(tools, func(x struct{ name, title string }) bool { return x.name == f[2] }) {
				return bad("unknown tool %s", f[2])
			}
			var v [3]float64
			for i := range v {
				var err error
				if v[i], err = strconv.ParseFloat(f[4+i], 64); err != nil || v[i] < 0 {
					return bad("bad time %s", f[4+i])
				}
			}
			k := [2]string{f[1], f[2]}
			if slices.ContainsFunc(t.runs[k], func(s sample) bool { return s.round == round }) {
				return bad("second run of %s on %s in round %d", f[2], f[1], round)
			}
			t.runs[k] = append(t.runs[k], sample{round: round, wall: v[0], cpu: v[1] + v[2]})
		default:
			return bad("unknown record %s", f[0])
		}
	}
	return sc.Err()
}

// check reports what the table cannot be made without.
func (t *timings) check() error {
	if len(t.targets) == 0 {
		return fmt.Errorf("no target records")
	}
	known := make(map[string]bool)
	for _, tg := range t.targets {
		known[tg.name] = true
		for _, tool := range tools {
			if len(t.runs[[2]string{tg.name, tool.name}]) == 0 {
				return fmt.Errorf("no runs of %s on %s", tool.name, tg.name)
			}
		}
	}
	for _, s := range t.scales {
		if !known[s.small] || !known[s.large] {
			return fmt.Errorf("scale %s %s names an undeclared target", s.small, s.large)
		}
	}
	for k := range t.runs {
		if !known[k[0]] {
			return fmt.Errorf("runs of undeclared target %s", k[0])
		}
	}
	return nil
}

// stats are the median and range of some runs.
type stats struct{ median, min, max float64 }

func summarize(xs []float64) stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return stats{med, s[0], s[n-1]}
}

func (t *timings) stats(tg, tool string, cpu bool) stats {
	var xs []float64
	for _, s := range t.runs[[2]string{tg, tool}] {
		if cpu {
			xs = append(xs, s.cpu)
		} else {
			xs = append(xs, s.wall)
		}
	}
	return summarize(xs)
}

func (t *timings) target(name string) target {
	i := slices.IndexFunc(t.targets, func(x target) bool { return x.name == name })
	return t.targets[i]
}

// value returns the wall-clock or CPU time of a run.
func (s sample) value(cpu bool) float64 {
	if cpu {
		return s.cpu
	}
	return s.wall
}

// paired returns the median over the rounds of the ratio of run a to run b
// of the same round, and the number of rounds that have both.
func (t *timings) paired(a, b [2]string, cpu bool) (float64, int) {
	var ratios []float64
	for _, sa := range t.runs[a] {
		for _, sb := range t.runs[b] {
			if sa.round == sb.round && sb.value(cpu) > 0 {
				ratios = append(ratios, sa.value(cpu)/sb.value(cpu))
			}
		}
	}
	if len(ratios) == 0 {
		return 0, 0
	}
	return summarize(ratios).median, len(ratios)
}

// render writes the table and reports whether any target failed.
func (t *timings) render(w io.Writer) (failed bool) {
	var b bytes.Buffer
	b.WriteString("| measurement | packages loaded |")
	for _, tool := range tools {
		fmt.Fprintf(&b, " %s |", tool.title)
	}
	for _, tool := range tools[1:] {
		fmt.Fprintf(&b, " %s ÷ %s |", tools[0].title, tool.title)
	}
	b.WriteString(" target | mark |\n|---|--:|")
	for range 2*len(tools) - 1 {
		b.WriteString("--:|")
	}
	b.WriteString("---|---|\n")

	mark := func(value, limit float64) (string, string) {
		lim := fmt.Sprintf("≤ %.2f×", limit)
		if value <= limit {
			return lim, "PASS"
		}
		failed = true
		return lim, "FAIL"
	}
	kinds := []struct {
		cpu  bool
		name string
	}{{false, "wall"}, {true, "CPU"}}

	for _, tg := range t.targets {
		for _, kind := range kinds {
			fmt.Fprintf(&b, "| %s, %s | %d |", tg.name, kind.name, tg.packages)
			for _, tool := range tools {
				s := t.stats(tg.name, tool.name, kind.cpu)
				fmt.Fprintf(&b, " %.2f s (%.2f–%.2f) |", s.median, s.min, s.max)
			}
			var judged float64
			for i, tool := range tools[1:] {
				a, bb := [2]string{tg.name, tools[0].name}, [2]string{tg.name, tool.name}
				p, _ := t.paired(a, bb, kind.cpu)
				m := t.stats(tg.name, tools[0].name, kind.cpu).median / t.stats(tg.name, tool.name, kind.cpu).median
				fmt.Fprintf(&b, " %.2f× (%.2f×) |", p, m)
				if i == 0 {
					judged = max(p, m)
				}
			}
			lim, res := "info", ""
			if !kind.cpu && tg.limit > 0 {
				lim, res = mark(judged, tg.limit)
			}
			fmt.Fprintf(&b, " %s | %s |\n", lim, res)
		}
	}

	for _, s := range t.scales {
		small, large := t.target(s.small), t.target(s.large)
		for _, kind := range kinds {
			fmt.Fprintf(&b, "| time(%s) ÷ time(%s), %s | %d ÷ %d |", s.large, s.small, kind.name, large.packages, small.packages)
			var judged float64
			for i, tool := range tools {
				p, _ := t.paired([2]string{s.large, tool.name}, [2]string{s.small, tool.name}, kind.cpu)
				m := t.stats(s.large, tool.name, kind.cpu).median / t.stats(s.small, tool.name, kind.cpu).median
				fmt.Fprintf(&b, " %.2f× (%.2f×) |", p, m)
				if i == 0 {
					judged = max(p, m)
				}
			}
			b.WriteString(strings.Repeat(" |", len(tools)-1))
			lim, res := "info", ""
			if !kind.cpu {
				lim, res = mark(judged, s.limit)
				lim += " (" + tools[0].title + ")"
			}
			fmt.Fprintf(&b, " %s | %s |\n", lim, res)
		}
		if added := large.packages - small.packages; added > 0 {
			fmt.Fprintf(&b, "| time per added package, %s → %s, wall | %d added |", s.small, s.large, added)
			var per []float64
			for _, tool := range tools {
				d := t.stats(s.large, tool.name, false).median - t.stats(s.small, tool.name, false).median
				per = append(per, d/float64(added))
				fmt.Fprintf(&b, " %.1f ms |", 1000*d/float64(added))
			}
			for _, p := range per[1:] {
				fmt.Fprintf(&b, " %s |", ratio(per[0], p))
			}
			b.WriteString(" info |  |\n")
		}
	}

	runs := 0
	for _, r := range t.runs {
		runs = max(runs, len(r))
	}
	fmt.Fprintf(&b, "\nTimes: median (min–max) of %d runs; wall is elapsed time, CPU is user+sys. "+
		"Ratios: the median of the per-round ratios, each of two runs made close together in the same round, "+
		"then (in parentheses) the ratio of the medians. "+
		"A target passes when both ratios to %q, which loads and type-checks the same packages from source as ctxvarlint, are within its limit; "+
		"%q loads dependencies from export data. "+
		"Time per added package: the difference of the median wall times divided by the difference in packages loaded.\n",
		runs, tools[1].title, tools[2].title)
	for _, n := range t.notes {
		fmt.Fprintf(&b, "\n%s\n", n)
	}
	w.Write(b.Bytes())
	return failed
}

func ratio(a, b float64) string {
	if b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func times(files []string, stdout, stderr io.Writer, strict bool) int {
	inputs, err := readAll(files)
	if err != nil {
		fmt.Fprintln(stderr, "tally:", err)
		return 1
	}
	t := &timings{runs: make(map[[2]string][]sample)}
	for _, in := range inputs {
		if err := t.parse(bytes.NewReader(in.data), in.name); err != nil {
			fmt.Fprintln(stderr, "tally:", err)
			return 1
		}
	}
	if err := t.check(); err != nil {
		fmt.Fprintln(stderr, "tally:", err)
		return 1
	}
	if t.render(stdout) && strict {
		return 3
	}
	return 0
}
