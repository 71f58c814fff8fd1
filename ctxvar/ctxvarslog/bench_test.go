package ctxvarslog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

// BenchmarkHandle compares Handle, with two Vars set, with calling the next
// handler alone on the same record: the difference is what the Handler
// costs. The next handler allocates nothing, so allocs/op is the Handler's.
func BenchmarkHandle(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{0, 3, 8} {
		r := newRecord(n)
		next := &counter{}
		for _, bc := range []struct {
			name string
			h    slog.Handler
		}{
			{"next", next},
			{"vars=2", ctxvarslog.NewHandler(next, ctxvarslog.Vars(requestID, userID))},
			{"vars=2/group", ctxvarslog.NewHandler(next, ctxvarslog.Vars(requestID, userID), ctxvarslog.Group("ctx"))},
			{"vars=2/unset", ctxvarslog.NewHandler(next, ctxvarslog.Vars(timeout, password))},
		} {
			// Sub-benchmarks run on goroutines of their own, with
			// empty Contexts: the values are Set in each.
			b.Run(fmt.Sprintf("own=%d/%s", n, bc.name), func(b *testing.B) {
				defer requestID.Reset(requestID.Set("r-1"))
				defer userID.Reset(userID.Set(42))
				b.ReportAllocs()
				for b.Loop() {
					_ = bc.h.Handle(ctx, r)
				}
			})
		}
	}
}

// BenchmarkLogger logs through a slog.Logger and a JSON handler, the way
// programs use the Handler, with and without it.
func BenchmarkLogger(b *testing.B) {
	json := slog.NewJSONHandler(io.Discard, nil)
	for _, bc := range []struct {
		name string
		h    slog.Handler
	}{
		{"json", json},
		{"vars=2/json", ctxvarslog.NewHandler(json, ctxvarslog.Vars(requestID, userID))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			defer requestID.Reset(requestID.Set("r-1"))
			defer userID.Reset(userID.Set(42))
			log := slog.New(bc.h)
			b.ReportAllocs()
			for b.Loop() {
				log.Info("request", "path", "/orders", "status", 200)
			}
		})
	}
}
