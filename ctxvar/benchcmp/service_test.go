package benchcmp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

// The service rows run one HTTP handler per request the way a service is
// written with each mechanism, called the way net/http calls it (ServeHTTP
// on the connection's goroutine; no network, whose cost would hide the
// difference): the handler sets the request's ID and user, starts two
// goroutines that read both, waits for them, and logs one record, to which
// the logger's handler adds both values.
//
//   - ctxvar: the handler is wrapped in ctxvarhttp.Handler; it Sets two
//     Vars (and Resets them, as code checked by losttoken does), starts the
//     readers with ctxvar.Spawn and logs with logger.Info through a
//     ctxvarslog.Handler that adds the two Vars.
//   - context.Context: the handler derives a context.Context with two
//     context.WithValue, starts the readers with go, passing the ctx, and
//     logs with logger.InfoContext(ctx, …) through a handler that adds the
//     two values it reads from ctx.
//
// Both loggers format with the same slog.TextHandler into io.Discard.

var (
	svcReqID = ctxvar.New[int64]("bench.service.requestid")
	svcUser  = ctxvar.New[string]("bench.service.user")
)

// svcWrong counts requests whose readers saw other values than the
// request's, so that a variant cannot be fast by carrying nothing;
// TestService checks the log records.
var svcWrong atomic.Int64

// svcIDs hands out request IDs, unique and large as real ones are (boxing
// one allocates in every variant alike).
var svcIDs atomic.Int64

func init() { svcIDs.Store(1 << 40) }

// svcCheck records whether what the readers saw is the request's.
func svcCheck(want request, got [2]request) {
	if got[0] != want || got[1] != want {
		svcWrong.Add(1)
	}
}

// svcText is the formatting both variants log through.
func svcText() slog.Handler {
	return slog.NewTextHandler(io.Discard, nil)
}

// ctxvarService is the service written with ctxvar, logging through out.
func ctxvarService(out slog.Handler) http.Handler {
	logger := slog.New(ctxvarslog.NewHandler(out,
		ctxvarslog.Attr("id", svcReqID), ctxvarslog.Attr("user", svcUser)))
	return ctxvarhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := svcIDs.Add(1)
		want := request{id, users[id%int64(len(users))]}
		defer svcReqID.Reset(svcReqID.Set(want.id))
		defer svcUser.Reset(svcUser.Set(want.user))
		var got [2]request
		var wg sync.WaitGroup
		wg.Add(len(got))
		for i := range got {
			ctxvar.Spawn(func() {
				got[i] = request{svcReqID.Get(), svcUser.Get()}
				wg.Done()
			})
		}
		wg.Wait()
		logger.Info("request")
		svcCheck(want, got)
	}))
}

// ctxKeyHandler adds the request's ID and user from the context.Context
// that a record is logged with: the context.Context counterpart of
// ctxvarslog.Handler.
type ctxKeyHandler struct{ next slog.Handler }

func (h ctxKeyHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }
func (h ctxKeyHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ctxKeyHandler{h.next.WithAttrs(as)}
}
func (h ctxKeyHandler) WithGroup(name string) slog.Handler {
	return ctxKeyHandler{h.next.WithGroup(name)}
}

func (h ctxKeyHandler) Handle(ctx context.Context, r slog.Record) error {
	if id, ok := ctx.Value(reqIDKey).(int64); ok {
		r.AddAttrs(slog.Int64("id", id))
	}
	if user, ok := ctx.Value(userKey).(string); ok {
		r.AddAttrs(slog.String("user", user))
	}
	return h.next.Handle(ctx, r)
}

// contextService is the same service written with context.Context,
// logging through out.
func contextService(out slog.Handler) http.Handler {
	logger := slog.New(ctxKeyHandler{out})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := svcIDs.Add(1)
		want := request{id, users[id%int64(len(users))]}
		ctx := context.WithValue(r.Context(), reqIDKey, want.id)
		ctx = context.WithValue(ctx, userKey, want.user)
		var got [2]request
		var wg sync.WaitGroup
		wg.Add(len(got))
		for i := range got {
			go func() {
				got[i] = readContext(ctx)
				wg.Done()
			}()
		}
		wg.Wait()
		logger.InfoContext(ctx, "request")
		svcCheck(want, got)
	})
}

// discardWriter is a ResponseWriter that keeps nothing, with a header map
// of its own, reused request after request by one worker.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// serveHTTP runs b.N requests through h under b.RunParallel, each worker
// serving its requests one after another as a keep-alive connection's
// goroutine does (a bare goroutine: its Context starts empty).
func serveHTTP(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	svcWrong.Store(0)
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: make(http.Header)}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for pb.Next() {
			h.ServeHTTP(w, r)
		}
	})
	if n := svcWrong.Load(); n > 0 {
		b.Errorf("%d requests read values other than their own", n)
	}
}

// BenchmarkService runs the service rows.
func BenchmarkService(b *testing.B) {
	b.Run("Ctxvar", func(b *testing.B) { serveHTTP(b, ctxvarService(svcText())) })
	b.Run("Context", func(b *testing.B) { serveHTTP(b, contextService(svcText())) })
}

// BenchmarkMiddleware measures ctxvarhttp.Handler alone: an empty handler
// with and without it, called the same way.
func BenchmarkMiddleware(b *testing.B) {
	empty := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	b.Run("Bare", func(b *testing.B) { serveHTTP(b, empty) })
	b.Run("Ctxvarhttp", func(b *testing.B) { serveHTTP(b, ctxvarhttp.Handler(empty)) })
}
