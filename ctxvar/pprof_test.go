package ctxvar_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"runtime/pprof"
	"sync"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// ctxvar keeps nothing in the goroutine's pprof label slot, so labelling code
// for the profiler leaves its values alone, and the other way round.
func TestPprofLabelsLeaveValues(t *testing.T) {
	v := ctxvar.New[string]("v")
	defer v.Reset(v.Set("outer"))

	ctx := pprof.WithLabels(context.Background(), pprof.Labels("handler", "users"))
	pprof.Do(context.Background(), pprof.Labels("request", "42"), func(lctx context.Context) {
		if got := v.Get(); got != "outer" {
			t.Errorf("inside pprof.Do, v = %q, want %q", got, "outer")
		}
		tok := v.Set("inner")
		pprof.SetGoroutineLabels(ctx)
		if got := v.Get(); got != "inner" {
			t.Errorf("after SetGoroutineLabels, v = %q, want %q", got, "inner")
		}
		if got, _ := pprof.Label(lctx, "request"); got != "42" {
			t.Errorf("pprof label request = %q after ctxvar calls, want 42", got)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		ctxvar.Spawn(func() {
			defer wg.Done()
			if got := v.Get(); got != "inner" {
				t.Errorf("spawned inside pprof.Do, v = %q, want %q", got, "inner")
			}
		})
		wg.Wait()
		v.Reset(tok)
	})
	pprof.SetGoroutineLabels(context.Background())
	if got := v.Get(); got != "outer" {
		t.Fatalf("after pprof.Do returned, v = %q, want %q", got, "outer")
	}
}

// CPU profiling with labels keeps working while ctxvar is in use: the samples
// taken in labelled code carry the labels.
func TestPprofCPUProfileLabels(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles for a second")
	}
	v := ctxvar.New[int]("v")
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("CPU profiling unavailable: %v", err)
	}
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Add(1)
		ctxvar.Spawn(func() {
			defer wg.Done()
			pprof.Do(context.Background(), pprof.Labels("ctxvar_worker", "spinning"), func(context.Context) {
				defer v.Reset(v.Set(i))
				sum := 0
				for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
					sum += v.Get()
				}
				_ = sum
			})
		})
	}
	wg.Wait()
	pprof.StopCPUProfile()

	zr, err := gzip.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	// The profile's string table holds a label's key and value only if a
	// sample carries the label.
	for _, s := range []string{"ctxvar_worker", "spinning"} {
		if !bytes.Contains(prof, []byte(s)) {
			t.Errorf("CPU profile has no sample labelled with %q", s)
		}
	}
}
