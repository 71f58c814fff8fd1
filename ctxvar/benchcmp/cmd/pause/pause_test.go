package main

import (
	"bytes"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar/benchcmp/internal/mdreport/mdtest"
)

// TestPauseSmall runs the whole program at a tiny scale and checks that its
// output is complete and parses. It does not check the targets: their marks
// may be PASS or FAIL, but they must be consistent with -strict.
func TestPauseSmall(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{
		"-goroutines", "1000", "-readers", "100", "-churn-batch", "64",
		"-duration", "200ms", "-gc-every", "50ms", "-max-gcs", "5", "-strict",
	}, &out, &errOut)
	t.Logf("output:\n%s", out.String())
	if code != 0 && code != 1 {
		t.Fatalf("exit code %d, want 0 or 1; stderr:\n%s", code, errOut.String())
	}
	text := out.String()

	windows := mdtest.Rows(t, text, "| window |")
	if len(windows) != 3 {
		t.Fatalf("pause table has %d rows, want 3", len(windows))
	}
	for _, r := range windows {
		if len(r) != 8 {
			t.Fatalf("pause row has %d cells, want 8: %q", len(r), r)
		}
		gcN := mdtest.Num(t, r[6])
		if gcN < 1 {
			t.Errorf("window %s: no GC pause recorded, but GCs were forced", r[0])
		}
		pauseCell(t, r[5], mdtest.Num(t, r[4]))
		pauseCell(t, r[7], gcN)
	}

	recl := mdtest.Rows(t, text, "| step |")
	if len(recl) < 4 {
		t.Fatalf("reclamation table has %d rows, want at least 4", len(recl))
	}
	churned := mdtest.Num(t, recl[0][1])
	if churned <= 0 {
		t.Fatalf("nothing churned: %q", recl[0])
	}
	prev := -1.0
	for _, r := range recl[1:] {
		n := mdtest.Num(t, r[1])
		if n < prev || n > churned {
			t.Errorf("reclaimed counts not increasing within [0, %v]: %q", churned, r)
		}
		prev = n
	}

	heap := mdtest.Rows(t, text, "| when |")
	if len(heap) != 2 {
		t.Fatalf("heap table has %d rows, want 2", len(heap))
	}
	for _, r := range heap {
		if mb := mdtest.Num(t, strings.TrimSuffix(r[1], " MB")); mb <= 0 {
			t.Errorf("live heap %q", r[1])
		}
	}

	stack := mdtest.Rows(t, text, "| what |")
	if len(stack) != 1 || !strings.Contains(stack[0][0], "runtime.Stack") {
		t.Errorf("stack dump table: %q", stack)
	}

	targets := mdtest.Rows(t, text, "| target |")
	pass, fail := 0, 0
	for _, r := range targets {
		switch r[len(r)-1] {
		case "PASS":
			pass++
		case "FAIL":
			fail++
		case "info":
		default:
			t.Errorf("target row without a mark: %q", r)
		}
		if strings.HasPrefix(r[0], "Spawn'd readers") && r[3] != "PASS" {
			t.Errorf("readers did not see their parent's value: %q", r)
		}
	}
	if pass+fail != 5 {
		t.Errorf("%d target rows with a mark, want 5", pass+fail)
	}
	m := regexp.MustCompile(`(?m)^Targets: (\d+) PASS, (\d+) FAIL\.$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no summary line")
	}
	if m[1] != strconv.Itoa(pass) || m[2] != strconv.Itoa(fail) {
		t.Errorf("summary says %s PASS, %s FAIL; the table has %d, %d", m[1], m[2], pass, fail)
	}
	if (fail > 0) != (code == 1) {
		t.Errorf("-strict exit code %d with %d FAIL", code, fail)
	}
}

// pauseCell checks a max-pause cell: "none" when there was no pause, else
// "≤ 1.23 ms" (or "> …" for the histogram's open last bucket).
func pauseCell(t *testing.T, cell string, n float64) {
	t.Helper()
	if n == 0 {
		if cell != "none" {
			t.Errorf("no pauses but max %q", cell)
		}
		return
	}
	m := regexp.MustCompile(`^(≤|>) ([0-9.]+) (µs|ms|s)$`).FindStringSubmatch(cell)
	if m == nil {
		t.Errorf("max pause %q does not parse", cell)
		return
	}
	if v := mdtest.Num(t, m[2]); v <= 0 || math.IsInf(v, 0) {
		t.Errorf("max pause %q", cell)
	}
}

func TestDelta(t *testing.T) {
	a := histo{counts: []uint64{1, 0, 2, 0}, buckets: []float64{0, 1, 2, 3, math.Inf(1)}}
	b := histo{counts: []uint64{1, 3, 2, 0}, buckets: a.buckets}
	if n, mx, open := delta(a, b); n != 3 || mx != 2 || open {
		t.Errorf("delta = %v, %v, %v; want 3, 2, false", n, mx, open)
	}
	c := histo{counts: []uint64{1, 3, 2, 1}, buckets: a.buckets}
	if n, mx, open := delta(a, c); n != 4 || mx != 3 || !open {
		t.Errorf("delta = %v, %v, %v; want 4, 3, true", n, mx, open)
	}
	if n, _, _ := delta(a, a); n != 0 {
		t.Errorf("delta of equal histograms = %v", n)
	}
}

func TestPauseBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-readers", "10", "-goroutines", "5"}, &out, &errOut); code != 2 {
		t.Errorf("more readers than goroutines: exit code %d, want 2", code)
	}
}
