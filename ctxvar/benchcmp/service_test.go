package benchcmp

import (
	"context"
	"fmt"
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

// The service rows run one HTTP service per request, written the way each
// mechanism has a service written, and called the way net/http calls it
// (ServeHTTP on the connection's goroutine; no network, whose cost would
// hide the difference). A request carries an X-Request-ID and an X-User
// header. Middleware in front of the handler sets the request ID (the
// header's if it is valid, echoed in the response) and the user; the
// handler starts two goroutines that read both, waits for them, and logs one
// record, to which the logger's handler adds both values.
//
//   - ctxvar: ctxvarhttp.Handler with its RequestID option and a Hook that
//     sets the user; the readers are started with ctxvar.Spawn; the record
//     is logged with logger.Info through a ctxvarslog.Handler that adds the
//     two Vars.
//   - context.Context: a request-ID middleware and a user middleware, each
//     deriving the request's ctx with context.WithValue and passing it on
//     with r.WithContext, as such middleware does; the readers are started
//     with go and read the ctx; the record is logged with
//     logger.InfoContext(ctx, …) through a handler that adds the two values
//     it reads from the ctx.
//
// Both loggers format with the same slog.TextHandler into io.Discard, and
// both request-ID steps check and echo the header the same way.

var (
	svcReqID = ctxvar.New[string]("bench.service.requestid")
	svcUser  = ctxvar.New[string]("bench.service.user")
)

// svcRequest is what a reader, or the log record, saw.
type svcRequest struct{ id, user string }

// svcWrong counts requests whose readers saw other values than the
// request's, so that a variant cannot be fast by carrying nothing;
// TestService checks the log records.
var svcWrong atomic.Int64

// wantOf is what the readers of r should see.
func wantOf(r *http.Request) svcRequest {
	return svcRequest{r.Header["X-Request-Id"][0], r.Header["X-User"][0]}
}

// svcCheck records whether what the readers saw is the request's.
func svcCheck(want svcRequest, got [2]svcRequest) {
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
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var got [2]svcRequest
		var wg sync.WaitGroup
		wg.Add(len(got))
		for i := range got {
			ctxvar.Spawn(func() {
				got[i] = svcRequest{svcReqID.Get(), svcUser.Get()}
				wg.Done()
			})
		}
		wg.Wait()
		logger.Info("request")
		svcCheck(wantOf(r), got)
	})
	return ctxvarhttp.Handler(handler,
		ctxvarhttp.RequestID(svcReqID, "X-Request-ID"),
		ctxvarhttp.Hook(func(r *http.Request) { svcUser.Set(r.Header["X-User"][0]) }),
	)
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
	if id, ok := ctx.Value(reqIDKey).(string); ok {
		r.AddAttrs(slog.String("id", id))
	}
	if user, ok := ctx.Value(userKey).(string); ok {
		r.AddAttrs(slog.String("user", user))
	}
	return h.next.Handle(ctx, r)
}

// validRequestID is ctxvarhttp's check of an incoming request ID: 1 to 128
// bytes of visible ASCII.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestIDMiddleware is the context.Context counterpart of ctxvarhttp's
// RequestID option.
func requestIDMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id string
		if in := r.Header["X-Request-Id"]; len(in) > 0 && validRequestID(in[0]) {
			id = in[0]
		} else {
			id = ctxvarhttp.NewRequestID()
		}
		w.Header()["X-Request-Id"] = []string{id}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), reqIDKey, id)))
	})
}

// userMiddleware is the context.Context counterpart of the ctxvar
// service's Hook.
func userMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey, r.Header["X-User"][0])))
	})
}

// contextService is the same service written with context.Context,
// logging through out.
func contextService(out slog.Handler) http.Handler {
	logger := slog.New(ctxKeyHandler{out})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var got [2]svcRequest
		var wg sync.WaitGroup
		wg.Add(len(got))
		for i := range got {
			go func() {
				got[i] = svcRequest{ctx.Value(reqIDKey).(string), ctx.Value(userKey).(string)}
				wg.Done()
			}()
		}
		wg.Wait()
		logger.InfoContext(ctx, "request")
		svcCheck(wantOf(r), got)
	})
	return requestIDMiddleware(userMiddleware(handler))
}

// discardWriter is a ResponseWriter that keeps nothing, with a header map
// of its own, reused request after request by one worker.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// svcIDs are the request IDs a worker sends, in turn: distinct, made
// before the timed loop, so that sending one costs nothing.
const svcIDs = 1024

// newWorkerRequests returns a worker's request and the header values it
// cycles through: request IDs unique to the worker, users from users.
func newWorkerRequests(worker int64) (*http.Request, [][]string, [][]string) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	ids, names := make([][]string, svcIDs), make([][]string, svcIDs)
	for i := range svcIDs {
		ids[i] = []string{fmt.Sprintf("%08x-%04x", worker, i)}
		names[i] = []string{users[i%len(users)]}
	}
	return r, ids, names
}

// serveHTTP runs b.N requests through h under b.RunParallel, each worker
// serving its requests one after another as a keep-alive connection's
// goroutine does (a bare goroutine: its Context starts empty).
func serveHTTP(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	svcWrong.Store(0)
	var workers atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: make(http.Header)}
		r, ids, names := newWorkerRequests(workers.Add(1))
		for i := 0; pb.Next(); i = (i + 1) % svcIDs {
			r.Header["X-Request-Id"], r.Header["X-User"] = ids[i], names[i]
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
