// Package chirequestid ports chi's RequestID middleware (go-chi/chi,
// middleware/request_id.go and request_id_test.go) from context.WithValue
// to context variables: the request ID is a Var that the middleware sets
// for the request, the per-process prefix a Var that init sets, and the
// header name, which chi's tests change and restore, a Var with a default.
package chirequestid

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var (
	// reqID holds the request's ID while the middleware serves it.
	reqID = ctxvar.New[string]("requestID")
	// prefix is "host/random", set once by init.
	prefix = ctxvar.New[string]("prefix")
	// header is the name of the header that carries the ID.
	header = ctxvar.New("header", ctxvar.Default("X-Request-Id"))
	// hostTag is set while init warms up, and reset before it returns.
	hostTag = ctxvar.New[string]("hostTag")
)

var counter uint64

// A package-level initializer runs before every init function: prefix is
// not set yet.
var firstID = prefix.Get() // mistake: unsetget [init-order]

var bootID = prefix.GetOr("boot") // ok: unsetget [init-order]

func sink(...any) {}

func init() {
	hostname, err := os.Hostname()
	if hostname == "" || err != nil {
		hostname = "localhost"
	}
	var buf [12]byte
	var b64 string
	for len(b64) < 10 {
		_, _ = rand.Read(buf[:])
		b64 = base64.StdEncoding.EncodeToString(buf[:])
		b64 = strings.NewReplacer("+", "", "/", "").Replace(b64)
	}
	prefix.Set(fmt.Sprintf("%s/%s", hostname, b64[0:10])) // ok: losttoken [init]
}

// A later init function of the same file runs after the one that sets.
func init() {
	sink(prefix.Get()) // ok: unsetget [init-order]
}

// This init sets hostTag for its own work only: the Var is unset again
// when it returns.
func init() {
	defer hostTag.Reset(hostTag.Set("warm")) // ok: losttoken [init]
	warmup()
}

func warmup() {
	sink(hostTag.Get(), prefix.Get()) // ok: unsetget [init-order]
}

// RequestID is a middleware that sets reqID for the request: the ID from
// the request's header, or a new one.
func RequestID(next http.Handler) http.Handler {
	fn := func(w http.ResponseWriter, r *http.Request) {
		requestID := r.Header.Get(header.Get())
		if requestID == "" {
			requestID = newRequestID()
		}
		defer reqID.Reset(reqID.Set(requestID)) // ok: losttoken [http]
		next.ServeHTTP(w, r)
	}
	return http.HandlerFunc(fn)
}

func newRequestID() string {
	myid := atomic.AddUint64(&counter, 1)
	return fmt.Sprintf("%s-%06d", prefix.Get(), myid)
}

// RequestIDLeaky forgets the Reset: on a keep-alive connection the next
// request served on the goroutine starts with this one's ID.
func RequestIDLeaky(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requestID := r.Header.Get(header.Get())
		if requestID == "" {
			requestID = newRequestID()
		}
		reqID.Set(requestID) // mistake: losttoken [http]
		next.ServeHTTP(w, r)
	})
}

// RequestIDEarly resets on one path only.
func RequestIDEarly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := reqID.Set(r.Header.Get(header.Get())) // mistake: losttoken [early-return]
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		defer reqID.Reset(tok)
		next.ServeHTTP(w, r)
	})
}

// GetReqID returns the request's ID, or "" outside a request.
func GetReqID() string {
	return reqID.GetOr("")
}

// MustReqID returns the request's ID and panics outside a request.
func MustReqID() string {
	return reqID.Get()
}

// NextRequestID returns the next number of the sequence.
func NextRequestID() uint64 {
	return atomic.AddUint64(&counter, 1)
}

// Handlers behind the middleware.

func audit(id string) { log.Printf("request %s done", id) }

func AsyncAudit(w http.ResponseWriter, r *http.Request) {
	go audit(MustReqID()) // ok: barego, unsetget [go-args]
	go func() {           // mistake: barego [go-literal]
		audit(GetReqID()) // ok: unsetget [getor]
	}()
	go func() { // mistake: barego [go-literal]
		audit(MustReqID()) // mistake: unsetget [go-literal]
	}()
	ctxvar.Spawn(func() { // ok: barego [spawn]
		audit(MustReqID())
	})
	time.AfterFunc(time.Second, func() { // mistake: barego [launcher-afterfunc]
		audit(MustReqID()) // mistake: unsetget [launcher-afterfunc]
	})
	time.AfterFunc(time.Second, ctxvar.Bind(func() { // ok: barego [bind]
		audit(MustReqID())
	}))
	w.WriteHeader(http.StatusAccepted)
}

// RequestLogger batches log lines on a goroutine that its constructor
// starts: the goroutine outlives every request and sees none of their IDs.
type RequestLogger struct {
	lines chan string
}

func NewRequestLogger() *RequestLogger {
	l := &RequestLogger{lines: make(chan string, 64)}
	go l.flush() // mistake: barego, unsetget [worker-ctor]
	return l
}

func (l *RequestLogger) flush() {
	for line := range l.lines {
		log.Printf("[%s] %s", reqID.Get(), line)
	}
}

// Log hands the line, with the request's ID, to the goroutine.
func (l *RequestLogger) Log(line string) {
	l.lines <- GetReqID() + " " + line
}

func (l *RequestLogger) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.Log(r.URL.Path)
		next.ServeHTTP(w, r)
	})
}

// NewRequestLoggerSpawned takes the constructor's Context along; the
// worker reads the prefix, which init set.
func NewRequestLoggerSpawned() *RequestLogger {
	l := &RequestLogger{lines: make(chan string, 64)}
	ctxvar.Spawn(func() { // ok: barego [worker-ctor]
		for line := range l.lines {
			log.Printf("[%s] %s", prefix.GetOr("?"), line)
		}
	})
	return l
}

// withHeader changes the header name until the func it returns is called:
// maintainDefaultRequestID of chi's tests.
func withHeader(name string) func() {
	tok := header.Set(name) // ok: losttoken [reset-func]
	return func() { header.Reset(tok) }
}

// setID sets reqID and hands back the token.
func setID(id string) *ctxvar.Token[string] {
	return reqID.Set(id) // ok: losttoken [token-helper]
}

func replay(ids []string, h http.Handler, w http.ResponseWriter, r *http.Request) {
	for _, id := range ids {
		setID(id) // mistake: losttoken [token-helper]
		h.ServeHTTP(w, r)
	}
	withHeader("X-Replay") // mistake: losttoken [reset-func]
	for _, id := range ids {
		tok := setID(id) // ok: losttoken [token-helper]
		h.ServeHTTP(w, r)
		reqID.Reset(tok)
	}
}

// logger adds the request's ID to every record, from the Context of the
// goroutine that logs.
var logger = slog.New(ctxvarslog.NewHandler(slog.NewTextHandler(os.Stderr, nil), ctxvarslog.Vars(reqID)))

// LogAsync logs on other goroutines: without the Context, the records lack
// the request's ID.
func LogAsync(msg string) {
	logger.Info(msg)
	go logger.Info(msg) // mistake: barego [slog]
	go func() {         // mistake: barego [slog]
		logger.Warn(msg, "n", 1)
	}()
	go slog.Info(msg)     // mistake: barego [slog]
	ctxvar.Spawn(func() { // ok: barego [spawn]
		logger.Info(msg)
	})
	go func() { // ok: barego [set-first]
		defer reqID.Reset(reqID.Set("background")) // ok: losttoken [defer]
		logger.Info(msg)
	}()
	go func(m string) { // ok: barego [no-read]
		sink(m)
	}(msg)
}

// Server wraps the handler with ctxvarhttp: each request has a Context of
// its own, so the Hook's Sets need no Reset.
func Server(h http.Handler) http.Handler {
	return ctxvarhttp.Handler(h,
		ctxvarhttp.Hook(func(r *http.Request) {
			reqID.Set(r.Header.Get(header.Get())) // ok: losttoken [http]
			if reqID.Get() == "" {                // ok: unsetget [http]
				reqID.Set(newRequestID()) // ok: losttoken [http]
			}
		}),
	)
}
