package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const raw = `# a comment
note Environment: test.
target std 1.05 100
target gen10 1.25 50
target gen20 0 80
scale gen10 gen20 2.2
`

// runs returns time records for rounds 0..2 whose wall times are base
// times the round's factor, so that per-round ratios are exact.
func runs(target, tool string, wall float64) string {
	var b strings.Builder
	for round, factor := range []float64{1, 2, 1.5} {
		w := wall * factor
		fmt.Fprintf(&b, "time %s %s %d %s %s %s\n", target, tool, round, ftoa(w), ftoa(w*0.9), ftoa(w*0.1))
	}
	return b.String()
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func TestTimes(t *testing.T) {
	input := raw +
		runs("std", "ctxvarlint", 10.4) + runs("std", "noopfacts", 10) + runs("std", "noop", 5) +
		runs("gen10", "ctxvarlint", 1.3) + runs("gen10", "noopfacts", 1) + runs("gen10", "noop", 0.5) +
		runs("gen20", "ctxvarlint", 2.6) + runs("gen20", "noopfacts", 2) + runs("gen20", "noop", 1)
	var out, errs bytes.Buffer
	status := times([]string{write(t, input)}, &out, &errs, true)
	if status != 3 {
		t.Errorf("status %d, want 3 (gen10's 1.30× is above 1.25×); stderr: %s", status, errs.String())
	}
	table := out.String()
	for _, want := range []string{
		"| std, wall | 100 | 15.60 s (10.40–20.80) | 15.00 s (10.00–20.00) | 7.50 s (5.00–10.00) | 1.04× (1.04×) | 2.08× (2.08×) | ≤ 1.05× | PASS |",
		"| gen10, wall | 50 | 1.95 s (1.30–2.60) | 1.50 s (1.00–2.00) | 0.75 s (0.50–1.00) | 1.30× (1.30×) | 2.60× (2.60×) | ≤ 1.25× | FAIL |",
		"| gen20, wall | 80 |",
		"| gen20, CPU | 80 |",
		"| time(gen20) ÷ time(gen10), wall | 80 ÷ 50 | 2.00× (2.00×) | 2.00× (2.00×) | 2.00× (2.00×) | | | ≤ 2.20× (ctxvarlint) | PASS |",
		"| time per added package, gen10 → gen20, wall | 30 added | 65.0 ms | 50.0 ms | 25.0 ms | 1.30× | 2.60× | info |  |",
		"median (min–max) of 3 runs",
		"Environment: test.",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if status := times([]string{write(t, input)}, &out, &errs, false); status != 0 {
		t.Errorf("without -strict: status %d, want 0", status)
	}
}

// TestPaired checks the per-round ratios: a slow round, which slows every
// tool alike, does not move them, while it may move the ratio of medians.
// Either above the limit fails the target.
func TestPaired(t *testing.T) {
	input := `target gen10 1.25 50
time gen10 ctxvarlint 0 1.1 1 0
time gen10 noopfacts 0 1.0 1 0
time gen10 noop 0 1 1 0
time gen10 ctxvarlint 1 3.3 1 0
time gen10 noopfacts 1 3.0 1 0
time gen10 noop 1 1 1 0
time gen10 ctxvarlint 2 2.2 1 0
time gen10 noopfacts 2 1.5 1 0
time gen10 noop 2 1 1 0
`
	var out, errs bytes.Buffer
	if status := times([]string{write(t, input)}, &out, &errs, true); status != 3 {
		t.Errorf("status %d, want 3; stderr: %s\n%s", status, errs.String(), out.String())
	}
	// Per round: 1.10, 1.10, 1.47; median 1.10. Medians: 2.2 ÷ 1.5 = 1.47.
	if want := "| 1.10× (1.47×) | 2.20× (2.20×) | ≤ 1.25× | FAIL |"; !strings.Contains(out.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, out.String())
	}
}

func TestTimesErrors(t *testing.T) {
	for _, tc := range []struct{ name, input, want string }{
		{"unknown record", "bogus 1\n", "unknown record"},
		{"unknown tool", "target a 1 1\ntime a gopls 0 1 1 1\n", "unknown tool"},
		{"short time", "target a 1 1\ntime a noop 0 1 1\n", "want: time"},
		{"bad number", "target a 1 1\ntime a noop 0 x 1 1\n", "bad time"},
		{"repeated round", "target a 1 1\ntime a noop 0 1 1 1\ntime a noop 0 1 1 1\n", "second run"},
		{"missing tool", "target a 1 1\ntime a noop 0 1 1 1\n", "no runs of ctxvarlint on a"},
		{"no target", "note x\n", "no target"},
		{"undeclared target", "target a 1 1\ntime a noop 0 1 1 1\ntime a noopfacts 0 1 1 1\ntime a ctxvarlint 0 1 1 1\ntime b noop 0 1 1 1\n", "undeclared target b"},
		{"bad scale", "target a 1 1\ntime a noop 0 1 1 1\ntime a noopfacts 0 1 1 1\ntime a ctxvarlint 0 1 1 1\nscale a c 2\n", "undeclared target"},
		{"duplicate target", "target a 1 1\ntarget a 1 1\n", "declared twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			if status := times([]string{write(t, tc.input)}, &out, &errs, false); status != 1 {
				t.Errorf("status %d, want 1", status)
			}
			if !strings.Contains(errs.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", errs.String(), tc.want)
			}
		})
	}
}

// The JSON of ctxvarlint -json: a package and its test variant report the
// same finding, which counts once.
const findingsJSON = `{
	"example.com/m/a": {"barego": [{"posn": "/m/a/a.go:3:2", "message": "goroutine started with go runs with an empty Context"}]},
	"example.com/m/a [example.com/m/a.test]": {
		"barego": [{"posn": "/m/a/a.go:3:2", "message": "goroutine started with go runs with an empty Context"}],
		"unsetget": [{"posn": "/m/a/a_test.go:9:5", "message": "user.Get may panic"}]
	}
}
{"example.com/m/b": {"losttoken": {"error": "internal error: panic in losttoken at /m/b/b.go:1:1"}}}
`

func TestFindings(t *testing.T) {
	file := write(t, findingsJSON)
	var out, errs bytes.Buffer
	if status := findings([]string{file}, &out, &errs, "", false); status != 0 {
		t.Errorf("plain count: status %d, want 0; stderr: %s", status, errs.String())
	}
	for _, want := range []string{"barego: 1 findings\n", "unsetget: 1 findings\n", "total: 2 findings, 1 analyzer errors", "error: example.com/m/b: losttoken: internal error"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if status := findings([]string{file}, &out, &errs, "", true); status != 3 {
		t.Errorf("-zero: status %d, want 3", status)
	}
	if !strings.Contains(out.String(), "\t/m/a/a.go:3:2: goroutine started") {
		t.Errorf("-zero does not list the findings:\n%s", out.String())
	}

	clean := write(t, `{"example.com/m/a": {"barego": [{"posn": "/m/a/a.go:3:2", "message": "m"}]}}`)
	planted := write(t, `{"barego": 1, "losttoken": 0}`)
	out.Reset()
	if status := findings([]string{clean}, &out, &errs, planted, false); status != 0 {
		t.Errorf("-planted, as planted: status %d, want 0:\n%s", status, out.String())
	}
	if !strings.Contains(out.String(), "barego: 1 findings (planted 1: ok)") || !strings.Contains(out.String(), "losttoken: 0 findings (planted 0: ok)") {
		t.Errorf("-planted output:\n%s", out.String())
	}
	out.Reset()
	if status := findings([]string{file}, &out, &errs, planted, false); status != 3 {
		t.Errorf("-planted, not as planted: status %d, want 3:\n%s", status, out.String())
	}
	if !strings.Contains(out.String(), "unsetget: 1 findings (none planted)") {
		t.Errorf("-planted output:\n%s", out.String())
	}

	if status := findings([]string{write(t, "{not json")}, &out, &errs, "", false); status != 1 {
		t.Errorf("bad JSON: status %d, want 1", status)
	}
	if status := findings([]string{write(t, `{"p": {"a": 3}}`)}, &out, &errs, "", false); status != 1 {
		t.Errorf("bad diagnostics: status %d, want 1", status)
	}
}

func write(t *testing.T, content string) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "input")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(f.Name())
}
