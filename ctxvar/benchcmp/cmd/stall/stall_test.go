package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar/benchcmp/internal/mdreport/mdtest"
)

// TestStallSmall runs the whole program at a tiny scale and checks that its
// output is complete and parses. It does not check the speed targets: their
// marks may be PASS or FAIL, but they must be consistent with -strict.
func TestStallSmall(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{
		"-goroutines", "1000", "-spinners", "4", "-churn-batch", "50",
		"-duration", "200ms", "-warmup", "50ms", "-rounds", "1", "-strict",
	}, &out, &errOut)
	t.Logf("output:\n%s", out.String())
	if code != 0 && code != 1 {
		t.Fatalf("exit code %d, want 0 or 1; stderr:\n%s", code, errOut.String())
	}

	rows := mdtest.Rows(t, out.String(), "| operation |")
	if want := int(numOps) * len(impls); len(rows) != want {
		t.Fatalf("latency table has %d rows, want %d", len(rows), want)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if len(r) != 10 {
			t.Fatalf("latency row has %d cells, want 10: %q", len(r), r)
		}
		seen[r[0]+"/"+r[1]] = true
		ops := mdtest.Num(t, r[3])
		if ops <= 0 {
			t.Errorf("%s / %s: no operations measured", r[0], r[1])
			continue
		}
		p50, p99, p999, mx := mdtest.Num(t, r[4]), mdtest.Num(t, r[5]), mdtest.Num(t, r[6]), mdtest.Num(t, r[7])
		if !(0 <= p50 && p50 <= p99 && p99 <= p999 && p999 <= mx) {
			t.Errorf("%s / %s: percentiles out of order: %v %v %v %v", r[0], r[1], p50, p99, p999, mx)
		}
		if n := mdtest.Num(t, r[8]); n < 0 || n > ops {
			t.Errorf("%s / %s: %v ops ≥ 1 ms of %v", r[0], r[1], n, ops)
		}
		if !strings.HasSuffix(r[9], " s") || mdtest.Num(t, strings.TrimSuffix(r[9], " s")) < 0 {
			t.Errorf("%s / %s: time in slow ops %q", r[0], r[1], r[9])
		}
	}
	for _, o := range opNames {
		for _, im := range impls {
			if !seen[o+"/"+im.name] {
				t.Errorf("no row for %s / %s", o, im.name)
			}
		}
	}

	load := mdtest.Rows(t, out.String(), "| implementation |")
	if len(load) != len(impls) {
		t.Errorf("load table has %d rows, want %d", len(load), len(impls))
	}

	targets := mdtest.Rows(t, out.String(), "| target |")
	pass, fail := 0, 0
	for _, r := range targets {
		switch r[len(r)-1] {
		case "PASS":
			pass++
		case "FAIL":
			fail++
		default:
			t.Errorf("target row without a mark: %q", r)
		}
		if strings.HasPrefix(r[0], "ctxvar: spawned children") && r[3] != "PASS" {
			t.Errorf("ctxvar's spawned children did not see their parent's value: %q", r)
		}
	}
	if pass+fail != 3*3+4 {
		t.Errorf("%d target rows, want %d", pass+fail, 3*3+4)
	}
	m := regexp.MustCompile(`(?m)^Targets: (\d+) PASS, (\d+) FAIL\.$`).FindStringSubmatch(out.String())
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

func TestStallBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-impls", "nosuch"}, &out, &errOut); code != 2 {
		t.Errorf("unknown implementation: exit code %d, want 2", code)
	}
	if code := run([]string{"-measurers", "1"}, &out, &errOut); code != 2 {
		t.Errorf("-measurers 1: exit code %d, want 2", code)
	}
}

func TestHist(t *testing.T) {
	for _, v := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 1 << 20, 1<<40 + 12345, 1 << 62} {
		i := bucketOf(v)
		if up := upperBound(i); up < v || (i > 0 && upperBound(i-1) >= v) {
			t.Errorf("value %d: bucket %d has upper bound %d, previous %d", v, i, up, upperBound(i-1))
		}
		if up := upperBound(i); v >= 128 && float64(up-v) > float64(v)/64 {
			t.Errorf("value %d: bucket upper bound %d more than 1/64 above", v, up)
		}
	}
	if bucketOf(1<<63) >= numBuckets || bucketOf(^uint64(0)) >= numBuckets {
		t.Error("largest values out of range")
	}
	var h hist
	for range 1000 {
		h.add(1000 * 1000) // 1 ms
	}
	h.add(5)
	if q := h.quantile(0.5); q < 1e6 || q > 1e6*(1+1.0/64) {
		t.Errorf("median %v, want about 1e6", q)
	}
	if h.quantile(0) != 5 {
		t.Errorf("min quantile %v, want 5", h.quantile(0))
	}
	if got := h.countAtLeast(1e6); got != 1000 {
		t.Errorf("countAtLeast(1 ms) = %d, want 1000", got)
	}
}
