package benchcmp

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"testing"
)

// recordCapture keeps the id and user attributes of the records it handles.
type recordCapture struct {
	mu      sync.Mutex
	records []svcRequest
}

func (h *recordCapture) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordCapture) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordCapture) WithGroup(string) slog.Handler            { return h }

func (h *recordCapture) Handle(_ context.Context, r slog.Record) error {
	var got svcRequest
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "id":
			got.id = a.Value.String()
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
			r, ids, names := newWorkerRequests(7)
			for i := range n {
				r.Header["X-Request-Id"], r.Header["X-User"] = ids[i], names[i]
				h.ServeHTTP(w, r)
				if got := w.h["X-Request-Id"]; len(got) != 1 || got[0] != ids[i][0] {
					t.Errorf("response X-Request-Id = %q; want the request's, %q", got, ids[i][0])
				}
			}
			if wrong := svcWrong.Load(); wrong != 0 {
				t.Errorf("%d requests' readers saw other values than the request's", wrong)
			}
			if len(out.records) != n {
				t.Fatalf("%d records logged; want %d", len(out.records), n)
			}
			for i, rec := range out.records {
				if want := (svcRequest{ids[i][0], names[i][0]}); rec != want {
					t.Errorf("record %d carries %+v; want %+v, the request's", i, rec, want)
				}
			}
		})
	}
}
