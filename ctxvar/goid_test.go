package ctxvar

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastExpected reports whether this build should end up on the fast path
// (unless CTXVAR_GOID forces the portable method).
const fastExpected = haveGoidFast

func TestGoidMatchesPortable(t *testing.T) {
	if got, want := goid(), goidPortable(); got != want {
		t.Fatalf("goid() = %d, goidPortable() = %d (method %s)", got, want, goidMethod())
	}
}

// TestGoidManyGoroutines cross-checks goid against the portable method in
// thousands of goroutines. Each batch is kept alive together so its g
// structs are distinct; later batches run on recycled g structs with new
// ids, which is exactly where a g-pointer key would go wrong.
func TestGoidManyGoroutines(t *testing.T) {
	const (
		total = 5000
		batch = 500
	)
	ids := make([]uint64, total)
	for start := 0; start < total; start += batch {
		var ready, done sync.WaitGroup
		release := make(chan struct{})
		errs := make(chan string, batch)
		ready.Add(batch)
		for i := start; i < start+batch; i++ {
			done.Go(func() {
				fast, slow := goid(), goidPortable()
				ready.Done()
				<-release
				// The goroutine has usually moved to another M/P by now.
				runtime.Gosched()
				again := goid()
				if fast != slow || again != fast {
					errs <- fmt.Sprintf("goid() = %d, goidPortable() = %d, goid() after Gosched = %d", fast, slow, again)
				}
				ids[i] = slow
			})
		}
		ready.Wait()
		close(release)
		done.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	seen := make(map[uint64]bool, total)
	for _, id := range ids {
		if id == 0 || seen[id] {
			t.Fatalf("goroutine id %d is zero or not unique", id)
		}
		seen[id] = true
	}
}

// TestGoidMethod checks that the build that has a fast path actually uses
// it: a silent fallback would cost ~1 µs on every goid call.
func TestGoidMethod(t *testing.T) {
	if v := os.Getenv(goidEnv); v == "portable" {
		t.Skipf("%s=%s in the environment", goidEnv, v)
	}
	if !fastExpected {
		if m := goidMethod(); m != "portable" {
			t.Fatalf("goidMethod() = %q without a fast path", m)
		}
		t.Skipf("no fast path on %s/%s (%s); goid uses the portable method", runtime.GOOS, runtime.GOARCH, runtime.Compiler)
	}
	if m := goidMethod(); m != "fast" {
		t.Fatalf("goidMethod() = %q, want \"fast\" on %s/%s: %v", m, runtime.GOOS, runtime.GOARCH, goidFastErr)
	}
	t.Logf("goid offset in runtime.g: %d", goidOffset)
}

// TestGoidOffsetReverified runs the verifier again with more goroutines,
// outside init, and checks it agrees with what init chose.
func TestGoidOffsetReverified(t *testing.T) {
	if !haveGoidFast {
		t.Skip("no fast path in this build")
	}
	off, err := findGoidOffset(readGWord, 200)
	if err != nil {
		t.Fatalf("findGoidOffset(readGWord): %v", err)
	}
	if goidOffset != 0 && off != goidOffset {
		t.Fatalf("findGoidOffset = %d, init chose %d", off, goidOffset)
	}
}

const envChild = "CTXVAR_GOID_TEST_CHILD"

// TestGoidEnvPortable re-runs the test binary with CTXVAR_GOID=portable and
// checks, in the child, that the setting forced the portable method.
func TestGoidEnvPortable(t *testing.T) {
	if os.Getenv(envChild) == "1" {
		if m := goidMethod(); m != "portable" {
			t.Fatalf("child: %s=%q but goidMethod() = %q", goidEnv, os.Getenv(goidEnv), m)
		}
		if got, want := goid(), goidPortable(); got != want {
			t.Fatalf("child: goid() = %d, goidPortable() = %d", got, want)
		}
		// The parent looks for this line, so a child that ran no test fails.
		t.Log("child-ok method=" + goidMethod())
		return
	}
	if testing.Short() {
		t.Skip("spawns a subprocess")
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "-test.run=^TestGoidEnvPortable$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), goidEnv+"=portable", envChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child-ok method=portable") {
		t.Fatalf("child did not report the portable method:\n%s", out)
	}
}

func TestSelectGoidOffsetEnv(t *testing.T) {
	if off, err := selectGoidOffset("portable"); off != 0 || err == nil {
		t.Fatalf(`selectGoidOffset("portable") = %d, %v; want 0 and a reason`, off, err)
	}
	if !haveGoidFast {
		return
	}
	for _, env := range []string{"", "auto", "fast", "bogus"} {
		if off, err := selectGoidOffset(env); off == 0 || err != nil {
			t.Errorf("selectGoidOffset(%q) = %d, %v; want the fast path", env, off, err)
		}
	}
}

// TestFindGoidOffsetRejects feeds the verifier readers that model a broken
// or misidentified g layout; each must be refused. The accepting case is a
// control that proves the fake readers can pass at all.
func TestFindGoidOffsetRejects(t *testing.T) {
	// matchAt returns a reader that reports the current goid at the given
	// offsets and something that cannot be a goid elsewhere.
	matchAt := func(offs ...uintptr) func(uintptr) uint64 {
		return func(off uintptr) uint64 {
			for _, o := range offs {
				if off == o {
					return goidPortable()
				}
			}
			return 1<<63 + uint64(off)
		}
	}
	first := goidPortable()
	tests := []struct {
		name   string
		read   func(uintptr) uint64
		accept uintptr // 0: must be rejected
	}{
		{"control: one offset", matchAt(96), 96},
		{"control: last offset", matchAt(maxProbeOffset), maxProbeOffset},
		{"nothing matches", matchAt(), 0},
		{"two offsets match", matchAt(152, 160), 0},
		{"every offset matches", func(uintptr) uint64 { return goidPortable() }, 0},
		{"only offset 0 matches", matchAt(0), 0},
		{"beyond probed range", matchAt(maxProbeOffset + 8), 0},
		{"constant", func(uintptr) uint64 { return 42 }, 0},
		{"constant equal to one goid", func(off uintptr) uint64 {
			if off == 152 {
				return first
			}
			return 0
		}, 0},
		{"garbage", func(uintptr) uint64 { return rand.Uint64() }, 0},
		{"offset differs per goroutine", oddOneOut(152, 160), 0},
		// A small counter equal to goroutine 1's id, as in the main
		// goroutine on linux/ppc64 under qemu.
		{"a second word matches in one goroutine", alsoInOne(152, 184), 152},
		{"matches only in some goroutines", oddOneOut(152, maxProbeOffset+8), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, err := findGoidOffset(tt.read, probeGoroutines)
			if tt.accept == 0 {
				if err == nil || off != 0 {
					t.Fatalf("accepted offset %d (err %v), want rejection", off, err)
				}
				t.Logf("rejected: %v", err)
				return
			}
			if err != nil || off != tt.accept {
				t.Fatalf("got %d, %v; want %d", off, err, tt.accept)
			}
		})
	}
}

// oddOneOut returns a reader that reports the goid at offset odd in the
// first goroutine that calls it and at offset usual in all the others: a
// layout that is right in some goroutines but not all.
func oddOneOut(odd, usual uintptr) func(uintptr) uint64 {
	var first atomic.Uint64
	return func(off uintptr) uint64 {
		id := goidPortable()
		first.CompareAndSwap(0, id)
		want := usual
		if first.Load() == id {
			want = odd
		}
		if off == want {
			return id
		}
		return 0
	}
}

// alsoInOne returns a reader that reports the goid at offset goid in every
// goroutine and, in the first goroutine that calls it, at offset also too.
func alsoInOne(goid, also uintptr) func(uintptr) uint64 {
	var first atomic.Uint64
	return func(off uintptr) uint64 {
		id := goidPortable()
		first.CompareAndSwap(0, id)
		if off == goid || off == also && first.Load() == id {
			return id
		}
		return 0
	}
}

func TestParseGoroutineHeader(t *testing.T) {
	tests := []struct {
		in   string
		id   uint64
		okay bool
	}{
		{"goroutine 1 [running]:\nmain.main()", 1, true},
		{"goroutine 18446744073709551615 [running]:", 1<<64 - 1, true},
		{"goroutine 7 gp=0xc000002380 m=0 mp=0x5a1e40 [running]:", 7, true},
		{"goroutine 18446744073709551616 [running]:", 0, false}, // overflow
		{"goroutine 123", 0, false},                             // truncated: maybe 1234...
		{"goroutine  [running]:", 0, false},
		{"goroutine x1 [running]:", 0, false},
		{"Goroutine 1 [running]:", 0, false},
		{"gorout", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		id, ok := parseGoroutineHeader([]byte(tt.in))
		if id != tt.id || ok != tt.okay {
			t.Errorf("parseGoroutineHeader(%q) = %d, %v; want %d, %v", tt.in, id, ok, tt.id, tt.okay)
		}
	}
}

func TestGoidAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { goidPortable() }); n != 0 {
		t.Errorf("goidPortable allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(100, func() { goid() }); n != 0 {
		t.Errorf("goid allocates %v times per call", n)
	}
}

// sinkGoid keeps the benchmarked calls from being optimized away.
var sinkGoid atomic.Uint64

// BenchmarkGoid measures goid through whichever method init chose; the
// sub-benchmark is named after it ("fast" or "portable").
func BenchmarkGoid(b *testing.B) {
	b.Run(goidMethod(), func(b *testing.B) {
		var s uint64
		for b.Loop() {
			s += goid()
		}
		sinkGoid.Store(s)
	})
}

func BenchmarkGoidPortable(b *testing.B) {
	var s uint64
	for b.Loop() {
		s += goidPortable()
	}
	sinkGoid.Store(s)
}

func BenchmarkGoidParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		var s uint64
		for pb.Next() {
			s += goid()
		}
		sinkGoid.Add(s)
	})
}

// With the fast path, exited goroutines are told by their g's status word,
// which init verifies; a running goroutine is never taken for an exited one.
func TestGoroutineGone(t *testing.T) {
	if !gKeys() {
		t.Skipf("goroutines are keyed by id here (%v)", goidFastErr)
	}
	if gStatusOffset == 0 {
		t.Errorf("the g status word was not verified: %v", gStatusErr)
	}
	me, id := self()
	if goroutineGone(me, id) {
		t.Fatal("the running goroutine reads as gone")
	}
	type probe struct{ g, id uint64 }
	ch := make(chan probe)
	release := make(chan struct{})
	go func() {
		g, id := self()
		ch <- probe{g, id}
		<-release
	}()
	p := <-ch
	for range 1000 {
		if goroutineGone(p.g, p.id) {
			t.Fatal("a blocked goroutine reads as gone")
		}
		runtime.Gosched()
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for !goroutineGone(p.g, p.id) {
		if time.Now().After(deadline) {
			t.Fatal("an exited goroutine never reads as gone")
		}
		runtime.Gosched()
	}
}
