package ctxvarslog_test

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

// counter is a next handler that allocates nothing, so that AllocsPerRun
// sees only what the Handler in front of it costs.
type counter struct{ attrs int }

func (c *counter) Enabled(context.Context, slog.Level) bool { return true }
func (c *counter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *counter) WithGroup(string) slog.Handler            { return c }

func (c *counter) Handle(_ context.Context, r slog.Record) error {
	c.attrs = r.NumAttrs()
	return nil
}

// newRecord returns a record with n attributes, added one call at a time,
// as a logging front end that builds records piecemeal would: past the
// inline ones, the back array then has room to spare, which is what a
// careless AddAttrs would write into.
func newRecord(n int) slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	for i := range n {
		r.AddAttrs(slog.Int(fmt.Sprintf("k%d", i), i))
	}
	return r
}

// addedAllocs returns the allocations that Handle adds per record with n
// attributes of its own, over calling next directly, and checks that next
// saw the Vars.
func addedAllocs(t *testing.T, n int, opts ...ctxvarslog.Option) float64 {
	t.Helper()
	next := &counter{}
	h := ctxvarslog.NewHandler(next, opts...)
	ctx := context.Background()
	r := newRecord(n)
	base := testing.AllocsPerRun(1000, func() { _ = next.Handle(ctx, r) })
	got := testing.AllocsPerRun(1000, func() { _ = h.Handle(ctx, r) })
	if next.attrs <= n {
		t.Fatalf("own=%d: next saw %d attributes: the Vars were not added", n, next.attrs)
	}
	return got - base
}

// floorAllocs returns what adding attrs to a record with n attributes costs
// at the least: the allocations that the attributes themselves take, which
// no handler can avoid.
func floorAllocs(n int, attrs ...slog.Attr) float64 {
	r := newRecord(n)
	return testing.AllocsPerRun(1000, func() {
		c := r.Clone()
		c.AddAttrs(attrs...)
	})
}

func TestAllocs(t *testing.T) {
	defer requestID.Reset(requestID.Set("r-1"))
	defer userID.Reset(userID.Set(42))
	vars := ctxvarslog.Vars(requestID, userID)
	group := ctxvarslog.Group("ctx")
	two := []slog.Attr{slog.String("request_id", "r-1"), slog.Int("user_id", 42)}

	for _, tc := range []struct {
		name   string
		opts   []ctxvarslog.Option
		ns     []int
		want   float64 // without the race detector
		inline bool    // the attributes fit in the record
	}{
		// Two Vars and up to three attributes of the record's own fit
		// in the record: nothing is allocated.
		{"2 Vars", []ctxvarslog.Option{vars}, []int{0, 1, 2, 3}, 0, true},
		// Past that, one back array: new, or a copy of the caller's.
		{"2 Vars", []ctxvarslog.Option{vars}, []int{4, 5, 6, 8, 20}, 1, false},
		// A group's attributes take a slice; the group itself fits in
		// the record up to four attributes of its own.
		{"2 Vars in a group", []ctxvarslog.Option{vars, group}, []int{0, 1, 2, 3, 4}, 1, true},
	} {
		for _, n := range tc.ns {
			got := addedAllocs(t, n, tc.opts...)
			want := tc.want
			if raceEnabled && !tc.inline {
				// What a back array costs depends on the toolchain's
				// build mode; it must cost no more than slog's own.
				want = floorAllocs(n, two...)
			}
			if got != want {
				t.Errorf("%s, own=%d: Handle adds %v allocations, want %v", tc.name, n, got, want)
			}
		}
	}

	// A Var's value is boxed once, by Set; logging it boxes nothing.
	defer traceVal.Reset(traceVal.Set(trace{"t1", "s1"}))
	defer password.Reset(password.Set("hunter2"))
	if a := addedAllocs(t, 2, ctxvarslog.Vars(traceVal, password)); a != 0 {
		t.Errorf("own=2, a struct-valued Var and a Redacted one: Handle adds %v allocations, want 0", a)
	}
}

func TestAllocsUnset(t *testing.T) {
	next := &counter{}
	h := ctxvarslog.NewHandler(next, ctxvarslog.Vars(requestID, userID), ctxvarslog.Group("ctx"))
	ctx := context.Background()
	for _, n := range []int{0, 3, 8} {
		r := newRecord(n)
		if a := testing.AllocsPerRun(1000, func() { _ = h.Handle(ctx, r) }); a != 0 {
			t.Errorf("own=%d, no Var set: Handle allocates %v times, want 0", n, a)
		}
	}
}

// retainer keeps the records it is given, as an asynchronous handler
// would, without cloning them: a Record it receives must stay as it was
// handed over, whatever the caller does with its own copy.
type retainer struct{ recs []slog.Record }

func (h *retainer) Enabled(context.Context, slog.Level) bool { return true }
func (h *retainer) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *retainer) WithGroup(string) slog.Handler            { return h }

func (h *retainer) Handle(_ context.Context, r slog.Record) error {
	h.recs = append(h.recs, r)
	return nil
}

func keys(r slog.Record) []string {
	var ks []string
	r.Attrs(func(a slog.Attr) bool {
		ks = append(ks, fmt.Sprintf("%s=%v", a.Key, a.Value))
		return true
	})
	return ks
}

// TestCallerRecordNotShared hands the Handler a record, then keeps adding
// attributes to the caller's copy, as slog's Record contract allows a
// caller that made no other copy; neither copy may see the other's
// attributes, and slog must find no sign of sharing (its !BUG attribute).
func TestCallerRecordNotShared(t *testing.T) {
	for _, n := range []int{0, 2, 3, 4, 5, 6, 7, 8, 12, 20} {
		for _, group := range []string{"", "ctx"} {
			t.Run(fmt.Sprintf("own=%d/group=%q", n, group), func(t *testing.T) {
				// A subtest runs on a goroutine of its own: Set here.
				defer requestID.Reset(requestID.Set("r-1"))
				defer userID.Reset(userID.Set(42))
				next := &retainer{}
				h := ctxvarslog.NewHandler(next, ctxvarslog.Vars(requestID, userID), ctxvarslog.Group(group))
				r := newRecord(n)
				own := keys(r)
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}
				for i := range 10 {
					r.AddAttrs(slog.Int(fmt.Sprintf("after%d", i), i))
				}
				if err := h.Handle(context.Background(), r); err != nil {
					t.Fatal(err)
				}

				added := []string{"request_id=r-1", "user_id=42"}
				if group != "" {
					added = []string{"ctx=[request_id=r-1 user_id=42]"}
				}
				var after []string
				for i := range 10 {
					after = append(after, fmt.Sprintf("after%d=%d", i, i))
				}
				want := [][]string{
					concat(own, added),
					concat(own, after, added),
				}
				for i, rec := range next.recs {
					if got := keys(rec); !reflect.DeepEqual(got, want[i]) {
						t.Errorf("record %d passed on:\n got %q\nwant %q", i, got, want[i])
					}
				}
				if got, want := keys(r), concat(own, after); !reflect.DeepEqual(got, want) {
					t.Errorf("caller's record:\n got %q\nwant %q", got, want)
				}
			})
		}
	}
}

func concat(ss ...[]string) []string {
	var c []string
	for _, s := range ss {
		c = append(c, s...)
	}
	return c
}
