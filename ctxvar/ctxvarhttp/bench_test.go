package ctxvarhttp_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
)

// nopWriter is a ResponseWriter that allocates nothing, so that the numbers
// are the middleware's alone.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

var empty = http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})

var benchService = ctxvar.New[string]("bench.service")

// serveLoop serves the same request with h, b.N times, on the benchmark's
// goroutine; both rows of a comparison run it, from the same prior state.
func serveLoop(b *testing.B, h http.Handler, r *http.Request) {
	w := &nopWriter{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

// BenchmarkServe compares an empty handler called directly with the same
// handler behind the middleware, whose base snapshot holds one value, as a
// service name set in main would be.
func BenchmarkServe(b *testing.B) {
	r := httptest.NewRequest("GET", "/", nil)
	b.Run("direct", func(b *testing.B) {
		serveLoop(b, empty, r)
	})
	b.Run("middleware", func(b *testing.B) {
		tok := benchService.Set("checkout")
		h := ctxvarhttp.Handler(empty)
		benchService.Reset(tok)
		serveLoop(b, h, r)
	})
	b.Run("middleware+set", func(b *testing.B) {
		// A handler that Sets one Var and forgets to Reset it: what the
		// state released at the end of each request costs.
		setter := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			//lint:ignore losttoken the request's Context ends with it
			benchService.Set("x")
		})
		serveLoop(b, ctxvarhttp.Handler(setter), r)
	})
	b.Run("middleware+set-reset", func(b *testing.B) {
		// The same handler, with its Reset: what the runtime's reuse of a
		// bound call's state saves when no token is left over.
		setter := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			defer benchService.Reset(benchService.Set("x"))
		})
		serveLoop(b, ctxvarhttp.Handler(setter), r)
	})
	b.Run("middleware+requestid", func(b *testing.B) {
		id := ctxvar.New[string]("bench.request_id")
		r := r.Clone(r.Context())
		r.Header.Set("X-Request-ID", "0123456789abcdef0123456789abcdef")
		serveLoop(b, ctxvarhttp.Handler(empty, ctxvarhttp.RequestID(id, "")), r)
	})
	b.Run("middleware+requestid-generated", func(b *testing.B) {
		id := ctxvar.New[string]("bench.request_id")
		serveLoop(b, ctxvarhttp.Handler(empty, ctxvarhttp.RequestID(id, "")), r)
	})
}

var sinkID string

func BenchmarkNewRequestID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkID = ctxvarhttp.NewRequestID()
	}
}
