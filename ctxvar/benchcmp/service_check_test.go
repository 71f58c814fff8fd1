package benchcmp

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// recordCapture keeps the id and user attributes of the records it handles.
type recordCapture struct {
	mu      sync.Mutex
	records []request
}

func (h *recordCapture) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordCapture) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordCapture) WithGroup(string) slog.Handler            { return h }

func (h *recordCapture) Handle(_ context.Context, r slog.Record) error {
	var got request
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "id":
			got.id = a.Value.Int64()
		case "user":
			got.user = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, got)
	h.mu.Unlock()
	return nil
}

// TestService checks that both services do the work the benchmark times:
// the readers see the request's values (svcWrong), and every log record
// carries the request's ID and user, each request's own.
func TestService(t *testing.T) {
	for name, build := range map[string]func(slog.Handler) http.Handler{
		"ctxvar":          ctxvarService,
		"context.Context": contextService,
	} {
		t.Run(name, func(t *testing.T) {
			svcWrong.Store(0)
			out := &recordCapture{}
			h := build(out)
			const n = 50
			w := &discardWriter{h: make(http.Header)}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for range n {
				h.ServeHTTP(w, r)
			}
			if wrong := svcWrong.Load(); wrong != 0 {
				t.Errorf("%d requests' readers saw other values than the request's", wrong)
			}
			if len(out.records) != n {
				t.Fatalf("%d records logged; want %d", len(out.records), n)
			}
			seen := map[int64]bool{}
			for _, rec := range out.records {
				if rec.id == 0 || seen[rec.id] || rec.user != users[rec.id%int64(len(users))] {
					t.Errorf("record carries %+v; want a request's own, fresh ID and its user", rec)
				}
				seen[rec.id] = true
			}
		})
	}
}
