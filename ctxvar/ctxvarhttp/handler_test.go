package ctxvarhttp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
)

var (
	varA    = ctxvar.New[string]("test.a")
	varB    = ctxvar.New[int]("test.b")
	service = ctxvar.New[string]("test.service")
	reqID   = ctxvar.New[string]("test.request_id")
	user    = ctxvar.New[string]("test.user")
	outer   = ctxvar.New[string]("test.outer")
)

// probe reports what the request's Context holds when it arrives, then, if
// asked with ?set=x, Sets varA and varB and returns without resetting them:
// the handler every test is about, one that forgets its Resets.
func probe(w http.ResponseWriter, r *http.Request) {
	v := url.Values{}
	v.Set("a", varA.GetOr("-"))
	if b, ok := varB.Lookup(); ok {
		v.Set("b", strconv.Itoa(b))
	} else {
		v.Set("b", "-")
	}
	v.Set("service", service.GetOr("-"))
	v.Set("id", reqID.GetOr("-"))
	v.Set("user", user.GetOr("-"))
	v.Set("outer", outer.GetOr("-"))
	v.Set("len", strconv.Itoa(ctxvar.Copy().Len()))
	v.Set("addr", r.RemoteAddr)
	v.Set("proto", strconv.Itoa(r.ProtoMajor))
	if s := r.URL.Query().Get("set"); s != "" {
		//lint:ignore losttoken the test is about a handler that does not Reset
		varA.Set(s)
		//lint:ignore losttoken the test is about a handler that does not Reset
		varB.Set(len(s))
	}
	_, _ = io.WriteString(w, v.Encode())
}

// syncBuffer is a server's ErrorLog output, written by its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is an httptest.Server that counts the connections it accepts, so a
// test can tell one keep-alive connection from several, and keeps its error
// log.
type server struct {
	*httptest.Server
	conns  atomic.Int32
	errLog syncBuffer
}

func startServer(t *testing.T, h http.Handler, http2 bool) *server {
	t.Helper()
	s := &server{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Config.ErrorLog = log.New(&s.errLog, "", 0)
	if http2 {
		s.EnableHTTP2 = true
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// reply is what a request to probe returned.
type reply struct {
	url.Values
	status int
	header http.Header
	reused bool // the client sent the request on a connection it had used before
}

func get(t *testing.T, c *http.Client, u string, header http.Header) reply {
	t.Helper()
	r, err := tryGet(c, u, header)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func tryGet(c *http.Client, u string, header http.Header) (reply, error) {
	var reused atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { reused.Store(i.Reused) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", u, nil)
	if err != nil {
		return reply{}, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return reply{}, fmt.Errorf("body %q: %v", body, err)
	}
	return reply{Values: v, status: resp.StatusCode, header: resp.Header, reused: reused.Load()}, nil
}

// wantClean fails unless r saw none of the Vars probe sets.
func wantClean(t *testing.T, r reply, what string) {
	t.Helper()
	if r.Get("a") != "-" || r.Get("b") != "-" {
		t.Errorf("%s: handler saw a=%s b=%s left by an earlier request, want neither", what, r.Get("a"), r.Get("b"))
	}
}

// On an HTTP/1.1 keep-alive connection net/http serves requests one after
// another on one goroutine: without the middleware, Sets that a handler
// forgets to Reset reach the next request; with it, they do not.
func TestHTTP1KeepAlive(t *testing.T) {
	tok := service.Set("svc")
	withMW := ctxvarhttp.Handler(http.HandlerFunc(probe))
	service.Reset(tok)

	for _, tc := range []struct {
		name string
		h    http.Handler
		leak bool
	}{
		{"middleware", withMW, false},
		{"bare", http.HandlerFunc(probe), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, tc.h, false)
			c := s.Client()
			first := get(t, c, s.URL+"/?set=first", nil)
			if first.Get("proto") != "1" {
				t.Fatalf("request served over HTTP/%s, want HTTP/1.1", first.Get("proto"))
			}
			wantClean(t, first, "request 1")
			second := get(t, c, s.URL+"/", nil)
			if !second.reused || second.Get("addr") != first.Get("addr") || s.conns.Load() != 1 {
				t.Fatalf("request 2 not on request 1's connection: reused=%v, addrs %s and %s, %d connections",
					second.reused, first.Get("addr"), second.Get("addr"), s.conns.Load())
			}
			if tc.leak {
				// The leak this package exists to stop: if this fails, the
				// runtime or net/http changed, and the other subtest no
				// longer proves anything.
				if second.Get("a") != "first" || second.Get("b") != "5" {
					t.Errorf("without the middleware request 2 saw a=%s b=%s, want the leak a=first b=5",
						second.Get("a"), second.Get("b"))
				}
				if second.Get("service") != "-" {
					t.Errorf("without the middleware the handler saw service=%s, want none", second.Get("service"))
				}
				return
			}
			wantClean(t, second, "request 2")
			for i, r := range []reply{first, second} {
				if r.Get("service") != "svc" || r.Get("len") != "1" {
					t.Errorf("request %d: service=%s, %s values, want the base snapshot: service=svc alone",
						i+1, r.Get("service"), r.Get("len"))
				}
			}
			// More requests on the connection, each setting and each clean.
			for i := range 5 {
				r := get(t, c, s.URL+"/?set=again", nil)
				if !r.reused {
					t.Fatalf("request %d on a new connection", i+3)
				}
				wantClean(t, r, fmt.Sprintf("request %d", i+3))
			}
		})
	}
}

// The middleware never copies the serving goroutine's Context: code that runs
// before it on the connection's goroutine (an outer middleware) does not
// reach the request, and the request's Sets do not reach that code.
func TestServingGoroutineContextNotCopied(t *testing.T) {
	mw := ctxvarhttp.Handler(http.HandlerFunc(probe))
	var afterA, afterOuter atomic.Value
	s := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		//lint:ignore losttoken an outer handler that leaves a value on the connection's goroutine
		outer.Set("outer")
		mw.ServeHTTP(w, r)
		afterA.Store(varA.GetOr("-"))
		afterOuter.Store(outer.GetOr("-"))
	}), false)
	c := s.Client()
	for i := range 3 {
		r := get(t, c, s.URL+"/?set=inner", nil)
		if r.Get("outer") != "-" {
			t.Errorf("request %d: handler saw outer=%s from the serving goroutine's Context", i, r.Get("outer"))
		}
		wantClean(t, r, fmt.Sprintf("request %d", i))
		if got := afterA.Load(); got != "-" {
			t.Errorf("request %d: after the middleware, the serving goroutine sees a=%v, want the request's Sets gone", i, got)
		}
		if got := afterOuter.Load(); got != "outer" {
			t.Errorf("request %d: after the middleware, the serving goroutine sees outer=%v, want its own value back", i, got)
		}
	}
	if s.conns.Load() != 1 {
		t.Errorf("%d connections, want the 3 requests on one", s.conns.Load())
	}
}

// Many connections and requests at once: no request ever sees a value it did
// not set, whichever goroutine and connection serve it.
func TestHTTP1Concurrent(t *testing.T) {
	tok := service.Set("svc")
	h := ctxvarhttp.Handler(http.HandlerFunc(probe))
	service.Reset(tok)
	s := startServer(t, h, false)
	c := s.Client()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				r, err := tryGet(c, fmt.Sprintf("%s/?set=g%di%d", s.URL, g, i), nil)
				if err != nil {
					t.Error(err)
					return
				}
				if r.Get("a") != "-" || r.Get("service") != "svc" {
					t.Errorf("request saw a=%s service=%s, want a=- service=svc", r.Get("a"), r.Get("service"))
				}
			}
		})
	}
	wg.Wait()
}

// HTTP/2 runs each request's handler on a goroutine of its own; the
// middleware gives each the base snapshot, and requests on one connection,
// one after another or at once, are isolated.
func TestHTTP2(t *testing.T) {
	tok := service.Set("svc")
	h := ctxvarhttp.Handler(http.HandlerFunc(probe))
	service.Reset(tok)

	t.Run("sequential", func(t *testing.T) {
		s := startServer(t, h, true)
		c := s.Client()
		first := get(t, c, s.URL+"/?set=first", nil)
		if first.Get("proto") != "2" {
			t.Fatalf("request served over HTTP/%s, want HTTP/2", first.Get("proto"))
		}
		second := get(t, c, s.URL+"/", nil)
		if !second.reused || second.Get("addr") != first.Get("addr") || s.conns.Load() != 1 {
			t.Fatalf("request 2 not on request 1's connection: reused=%v, addrs %s and %s, %d connections",
				second.reused, first.Get("addr"), second.Get("addr"), s.conns.Load())
		}
		for i, r := range []reply{first, second} {
			wantClean(t, r, fmt.Sprintf("request %d", i+1))
			if r.Get("service") != "svc" || r.Get("len") != "1" {
				t.Errorf("request %d: service=%s, %s values, want service=svc alone", i+1, r.Get("service"), r.Get("len"))
			}
		}
	})

	t.Run("bare", func(t *testing.T) {
		// Without the middleware an HTTP/2 handler starts empty: no leak,
		// but no base values either.
		s := startServer(t, http.HandlerFunc(probe), true)
		c := s.Client()
		get(t, c, s.URL+"/?set=first", nil)
		r := get(t, c, s.URL+"/", nil)
		if r.Get("proto") != "2" || !r.reused {
			t.Fatalf("proto %s, reused=%v: want HTTP/2 on one connection", r.Get("proto"), r.reused)
		}
		if r.Get("len") != "0" {
			t.Errorf("bare HTTP/2 handler saw %s values, want an empty Context", r.Get("len"))
		}
	})

	t.Run("concurrent streams", func(t *testing.T) {
		const n = 8
		arrived := make(chan struct{}, n)
		release := make(chan struct{})
		// Each handler Sets its own value, then waits until all n are
		// running at once before reading it back.
		defer service.Reset(service.Set("svc"))
		s := startServer(t, ctxvarhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("warm") != "" {
				probe(w, r)
				return
			}
			before := varA.GetOr("-")
			mine := r.URL.Query().Get("n")
			//lint:ignore losttoken the request's Context ends with it
			varA.Set(mine)
			arrived <- struct{}{}
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
			v := url.Values{}
			v.Set("before", before)
			v.Set("after", varA.GetOr("-"))
			v.Set("service", service.GetOr("-"))
			v.Set("addr", r.RemoteAddr)
			v.Set("proto", strconv.Itoa(r.ProtoMajor))
			_, _ = io.WriteString(w, v.Encode())
		})), true)
		c := s.Client()
		// One request first, so that the client has a connection to put
		// the concurrent streams on.
		warm := get(t, c, s.URL+"/?warm=1", nil)
		replies := make([]reply, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { replies[i], errs[i] = tryGet(c, fmt.Sprintf("%s/?n=%d", s.URL, i), nil) })
		}
		for range n {
			select {
			case <-arrived:
			case <-time.After(10 * time.Second):
				close(release)
				wg.Wait()
				t.Fatal("the requests' handlers did not all run at once")
			}
		}
		close(release)
		wg.Wait()
		for i, r := range replies {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if r.Get("proto") != "2" || r.Get("addr") != warm.Get("addr") {
				t.Errorf("stream %d: HTTP/%s from %s, want HTTP/2 on the connection %s", i, r.Get("proto"), r.Get("addr"), warm.Get("addr"))
			}
			if r.Get("before") != "-" || r.Get("after") != strconv.Itoa(i) || r.Get("service") != "svc" {
				t.Errorf("stream %d: before=%s after=%s service=%s, want before=- after=%d service=svc",
					i, r.Get("before"), r.Get("after"), r.Get("service"), i)
			}
		}
		if s.conns.Load() != 1 {
			t.Errorf("%d connections, want every stream on one", s.conns.Load())
		}
	})
}

// The snapshot is taken when Handler is called: values set before reach
// every request, values set after do not, wherever they are set.
func TestBaseSnapshot(t *testing.T) {
	t.Run("caller", func(t *testing.T) {
		tok := service.Set("before")
		h := ctxvarhttp.Handler(http.HandlerFunc(probe))
		tok2 := service.Set("after")
		defer func() {
			service.Reset(tok2)
			service.Reset(tok)
		}()
		s := startServer(t, h, false)
		for range 2 {
			r := get(t, s.Client(), s.URL+"/?set=x", nil)
			if r.Get("service") != "before" || r.Get("len") != "1" {
				t.Errorf("handler saw service=%s, %s values; want service=before alone", r.Get("service"), r.Get("len"))
			}
		}
	})

	t.Run("Base", func(t *testing.T) {
		defer service.Reset(service.Set("caller"))
		c := new(ctxvar.Context)
		c.Run(func() { service.Set("base") })
		h := ctxvarhttp.Handler(http.HandlerFunc(probe), ctxvarhttp.Base(c))
		c.Run(func() {
			service.Set("changed")
			varA.Set("changed")
		})
		s := startServer(t, h, false)
		r := get(t, s.Client(), s.URL+"/?set=x", nil)
		if r.Get("service") != "base" || r.Get("a") != "-" || r.Get("len") != "1" {
			t.Errorf("handler saw service=%s a=%s, %s values; want c's values at Handler: service=base alone",
				r.Get("service"), r.Get("a"), r.Get("len"))
		}
		// The requests' Sets did not reach c either.
		if got, _ := ctxvar.ValueIn(c, varB); got != 0 {
			t.Errorf("a request's Set reached the Base Context: b=%d", got)
		}
	})

	t.Run("empty Base", func(t *testing.T) {
		defer service.Reset(service.Set("caller"))
		h := ctxvarhttp.Handler(http.HandlerFunc(probe), ctxvarhttp.Base(new(ctxvar.Context)))
		s := startServer(t, h, false)
		r := get(t, s.Client(), s.URL+"/", nil)
		if r.Get("len") != "0" {
			t.Errorf("handler saw %s values (service=%s), want an empty Context", r.Get("len"), r.Get("service"))
		}
	})

	t.Run("Base entered", func(t *testing.T) {
		// Handler copies c before entering it, so c may be the Context the
		// caller is in.
		c := new(ctxvar.Context)
		var h http.Handler
		c.Run(func() {
			service.Set("inside")
			h = ctxvarhttp.Handler(http.HandlerFunc(probe), ctxvarhttp.Base(c))
		})
		s := startServer(t, h, false)
		if r := get(t, s.Client(), s.URL+"/", nil); r.Get("service") != "inside" {
			t.Errorf("handler saw service=%s, want inside", r.Get("service"))
		}
	})
}

func TestRequestID(t *testing.T) {
	h := ctxvarhttp.Handler(http.HandlerFunc(probe), ctxvarhttp.RequestID(reqID, ""))
	s := startServer(t, h, false)
	c := s.Client()

	valid128 := strings.Repeat("a", 127) + "~"
	for _, id := range []string{"abc-123", "!", valid128, `{"quoted":1}`} {
		r := get(t, c, s.URL+"/", http.Header{"X-Request-Id": {id}})
		if r.Get("id") != id {
			t.Errorf("incoming ID %q: handler saw %q, want it unchanged", id, r.Get("id"))
		}
		if got := r.header.Values("X-Request-ID"); len(got) != 1 || got[0] != id {
			t.Errorf("incoming ID %q: response header %q, want it echoed once", id, got)
		}
	}

	// Replaced, through a real connection: what a client can send.
	for name, hdr := range map[string]http.Header{
		"missing":   nil,
		"empty":     {"X-Request-Id": {""}},
		"too long":  {"X-Request-Id": {valid128 + "b"}},
		"space":     {"X-Request-Id": {"abc def"}},
		"tab":       {"X-Request-Id": {"abc\tdef"}},
		"non-ASCII": {"X-Request-Id": {"r\u00e9q"}},
	} {
		r := get(t, c, s.URL+"/", hdr)
		id := r.Get("id")
		if !isGeneratedID(id) {
			t.Errorf("%s ID: handler saw %q, want a generated ID", name, id)
		}
		if got := r.header.Get("X-Request-ID"); got != id {
			t.Errorf("%s ID: response header %q, want the generated ID %q", name, got, id)
		}
	}

	// Control characters that a Go client refuses to send, served directly.
	for _, bad := range []string{"a\x00b", "a\x7fb", "a\rb", "a\nb", "\x1b[31m"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header["X-Request-Id"] = []string{bad}
		h.ServeHTTP(rec, req)
		v, _ := url.ParseQuery(rec.Body.String())
		if id := v.Get("id"); !isGeneratedID(id) || rec.Header().Get("X-Request-Id") != id {
			t.Errorf("ID %q: handler saw %q, echoed %q; want a generated ID echoed", bad, id, rec.Header().Get("X-Request-Id"))
		}
	}

	// Several values: the first, as Header.Get reads it.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header["X-Request-Id"] = []string{"one", "two"}
	h.ServeHTTP(rec, req)
	if got := rec.Header().Values("X-Request-Id"); len(got) != 1 || got[0] != "one" {
		t.Errorf("two incoming IDs: echoed %q, want [one]", got)
	}

	t.Run("unique", func(t *testing.T) {
		seen := make(map[string]bool)
		for range 200 {
			id := get(t, c, s.URL+"/", nil).Get("id")
			if !isGeneratedID(id) || seen[id] {
				t.Fatalf("generated ID %q: malformed or repeated", id)
			}
			seen[id] = true
		}
		for range 100000 {
			id := ctxvarhttp.NewRequestID()
			if !isGeneratedID(id) || seen[id] {
				t.Fatalf("NewRequestID returned %q: malformed or repeated", id)
			}
			seen[id] = true
		}
	})

	t.Run("header name", func(t *testing.T) {
		h := ctxvarhttp.Handler(http.HandlerFunc(probe), ctxvarhttp.RequestID(reqID, "trace-ID"))
		s := startServer(t, h, false)
		r := get(t, s.Client(), s.URL+"/", http.Header{"Trace-Id": {"t-1"}, "X-Request-Id": {"other"}})
		if r.Get("id") != "t-1" || r.header.Get("Trace-Id") != "t-1" || r.header.Get("X-Request-Id") != "" {
			t.Errorf("header trace-ID: handler saw %q, response Trace-Id %q X-Request-Id %q; want t-1, t-1 and none",
				r.Get("id"), r.header.Get("Trace-Id"), r.header.Get("X-Request-Id"))
		}
	})

	t.Run("HTTP/2", func(t *testing.T) {
		s := startServer(t, h, true)
		r := get(t, s.Client(), s.URL+"/", http.Header{"X-Request-Id": {"h2-id"}})
		if r.Get("proto") != "2" || r.Get("id") != "h2-id" || r.header.Get("X-Request-Id") != "h2-id" {
			t.Errorf("HTTP/%s: handler saw %q, echoed %q; want HTTP/2 and h2-id twice", r.Get("proto"), r.Get("id"), r.header.Get("X-Request-Id"))
		}
	})
}

func isGeneratedID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !('0' <= id[i] && id[i] <= '9' || 'a' <= id[i] && id[i] <= 'f') {
			return false
		}
	}
	return true
}

// Hooks and RequestIDs run in option order, in the request's Context, and
// what they Set reaches the handler and no other request.
func TestHooks(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	record := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, s)
	}
	tok := service.Set("svc")
	h := ctxvarhttp.Handler(http.HandlerFunc(probe),
		ctxvarhttp.Hook(func(r *http.Request) {
			record("hook1 id=" + reqID.GetOr("-") + " service=" + service.GetOr("-") + " a=" + varA.GetOr("-"))
			if u := r.Header.Get("X-User"); u != "" {
				user.Set(u)
			}
		}),
		ctxvarhttp.RequestID(reqID, ""),
		ctxvarhttp.Hook(func(*http.Request) {
			record("hook2 id=" + reqID.GetOr("-") + " user=" + user.GetOr("-"))
		}),
	)
	service.Reset(tok)
	s := startServer(t, h, false)
	c := s.Client()

	r := get(t, c, s.URL+"/?set=x", http.Header{"X-User": {"alice"}, "X-Request-Id": {"r1"}})
	if r.Get("user") != "alice" || r.Get("id") != "r1" || r.Get("service") != "svc" {
		t.Errorf("handler saw user=%s id=%s service=%s, want alice, r1 and svc", r.Get("user"), r.Get("id"), r.Get("service"))
	}
	r = get(t, c, s.URL+"/", http.Header{"X-Request-Id": {"r2"}})
	if !r.reused {
		t.Fatal("request 2 on a new connection")
	}
	if r.Get("user") != "-" || r.Get("id") != "r2" {
		t.Errorf("request 2 saw user=%s id=%s, want no user (the hook's Set of request 1 gone) and r2", r.Get("user"), r.Get("id"))
	}
	wantClean(t, r, "request 2")
	want := []string{
		"hook1 id=- service=svc a=-", "hook2 id=r1 user=alice",
		"hook1 id=- service=svc a=-", "hook2 id=r2 user=-",
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("hooks ran as\n%q\nwant\n%q", calls, want)
	}
}

// A panic reaches whatever called the middleware, as the same value, after the
// request's Context is left; the next request starts clean.
func TestPanics(t *testing.T) {
	errBoom := errors.New("boom")
	panicking := func(v any) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("panic") == "" {
				probe(w, r)
				return
			}
			//lint:ignore losttoken the panic leaves the Set in place
			varA.Set("panicked")
			panic(v)
		})
	}

	for _, tc := range []struct {
		name   string
		value  any
		logged bool // net/http logs every panic but ErrAbortHandler
	}{
		{"ErrAbortHandler", http.ErrAbortHandler, false},
		{"error", errBoom, true},
		{"string", "boom string", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := service.Set("svc")
			mw := ctxvarhttp.Handler(panicking(tc.value))
			service.Reset(tok)
			var recovered atomic.Value
			var aSeen atomic.Value
			s := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer func() {
					if v := recover(); v != nil {
						recovered.Store(&v)
						aSeen.Store(varA.GetOr("-"))
						panic(v) // on to net/http, which closes the connection
					}
				}()
				mw.ServeHTTP(w, r)
			}), false)
			c := s.Client()
			if _, err := tryGet(c, s.URL+"/?panic=1", nil); err == nil {
				t.Fatal("request that panicked got a response, want the connection aborted")
			}
			p, _ := recovered.Load().(*any)
			if p == nil {
				t.Fatal("the panic did not reach the outer handler")
			}
			if *p != tc.value {
				t.Errorf("outer handler recovered %#v, want %#v itself", *p, tc.value)
			}
			if err, ok := tc.value.(error); ok {
				if got, _ := (*p).(error); !errors.Is(got, err) {
					t.Errorf("errors.Is(%v, %v) = false", got, err)
				}
			}
			if got := aSeen.Load(); got != "-" {
				t.Errorf("the outer handler's recover ran in the request's Context: a=%v", got)
			}
			logged := strings.Contains(s.errLog.String(), "panic serving")
			if logged != tc.logged || tc.logged && !strings.Contains(s.errLog.String(), fmt.Sprint(tc.value)) {
				t.Errorf("net/http's error log %q: want the panic logged: %v", s.errLog.String(), tc.logged)
			}
			r := get(t, c, s.URL+"/", nil)
			if r.reused || s.conns.Load() != 2 {
				t.Errorf("request after the panic: reused=%v, %d connections; want a fresh connection", r.reused, s.conns.Load())
			}
			wantClean(t, r, "request after the panic")
			if r.Get("service") != "svc" {
				t.Errorf("request after the panic saw service=%s, want svc", r.Get("service"))
			}
		})
	}

	t.Run("recovered on the same connection", func(t *testing.T) {
		// An outer handler that recovers and answers keeps the connection:
		// the next request on it still starts clean.
		mw := ctxvarhttp.Handler(panicking(errBoom))
		s := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = io.WriteString(w, "a="+url.QueryEscape(varA.GetOr("-")))
				}
			}()
			mw.ServeHTTP(w, r)
		}), false)
		c := s.Client()
		r := get(t, c, s.URL+"/?panic=1", nil)
		if r.status != http.StatusInternalServerError || r.Get("a") != "-" {
			t.Fatalf("status %d, a=%s; want 500 with the recover outside the request's Context", r.status, r.Get("a"))
		}
		r = get(t, c, s.URL+"/", nil)
		if !r.reused || s.conns.Load() != 1 {
			t.Fatalf("request after the recovered panic on a new connection")
		}
		wantClean(t, r, "request after the recovered panic")
	})

	t.Run("HTTP/2", func(t *testing.T) {
		s := startServer(t, ctxvarhttp.Handler(panicking(http.ErrAbortHandler)), true)
		c := s.Client()
		get(t, c, s.URL+"/", nil)
		if _, err := tryGet(c, s.URL+"/?panic=1", nil); err == nil {
			t.Fatal("stream that panicked got a response, want it reset")
		}
		r := get(t, c, s.URL+"/", nil)
		if r.Get("proto") != "2" {
			t.Fatalf("HTTP/%s, want HTTP/2", r.Get("proto"))
		}
		wantClean(t, r, "request after the panic")
		if strings.Contains(s.errLog.String(), "panic") {
			t.Errorf("net/http logged %q: it did not recognise http.ErrAbortHandler", s.errLog.String())
		}
	})
}

// Goroutines a handler starts with Spawn, and callbacks it Binds, see the
// request's values; their Sets stay their own.
func TestSpawnInHandler(t *testing.T) {
	tok := service.Set("svc")
	h := ctxvarhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		//lint:ignore losttoken the request's Context ends with it
		varA.Set(r.URL.Query().Get("v"))
		seen := make(chan string, 2)
		ctxvar.Spawn(func() {
			seen <- varA.GetOr("-") + "/" + service.GetOr("-")
			varB.Set(7)
		})
		cb := ctxvar.Bind(func() { seen <- varA.GetOr("-") + "/" + service.GetOr("-") })
		//lint:ignore barego the goroutine runs a Bound function
		go cb()
		child1, child2 := <-seen, <-seen
		_, b := varB.Lookup()
		fmt.Fprintf(w, "children=%s,%s&b=%v", child1, child2, b)
	}))
	service.Reset(tok)
	for _, http2 := range []bool{false, true} {
		s := startServer(t, h, http2)
		for _, v := range []string{"one", "two"} {
			r := get(t, s.Client(), s.URL+"/?v="+v, nil)
			want := v + "/svc," + v + "/svc"
			if r.Get("children") != want || r.Get("b") != "false" {
				t.Errorf("HTTP/2 %v: children saw %s, parent b set: %s; want %s and false", http2, r.Get("children"), r.Get("b"), want)
			}
		}
	}
}

// A request that sets nothing adds no allocation.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	tok := service.Set("svc")
	h := ctxvarhttp.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { _ = service.Get() }))
	service.Reset(tok)
	w := &nopWriter{h: make(http.Header)}
	r := httptest.NewRequest("GET", "/", nil)
	if n := testing.AllocsPerRun(1000, func() { h.ServeHTTP(w, r) }); n != 0 {
		t.Errorf("%v allocations per request, want 0", n)
	}
}

func TestInvalidArguments(t *testing.T) {
	for name, tc := range map[string]struct {
		call func()
		want error
	}{
		"Handler(nil)":               {func() { ctxvarhttp.Handler(nil) }, ctxvarhttp.ErrNilHandler},
		"Base(nil)":                  {func() { ctxvarhttp.Base(nil) }, ctxvar.ErrNilContext},
		"Hook(nil)":                  {func() { ctxvarhttp.Hook(nil) }, ctxvar.ErrNilFunc},
		"RequestID(nil, \"\")":       {func() { ctxvarhttp.RequestID(nil, "") }, ctxvar.ErrNilVar},
		"RequestID(v, \"X Req\")":    {func() { ctxvarhttp.RequestID(reqID, "X Req") }, ctxvarhttp.ErrHeaderName},
		"RequestID(v, \"X-Req\\n\")": {func() { ctxvarhttp.RequestID(reqID, "X-Req\n") }, ctxvarhttp.ErrHeaderName},
	} {
		func() {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, tc.want) {
					t.Errorf("%s panicked with %v; want an error matching %v", name, err, tc.want)
				} else if !strings.Contains(err.Error(), "ctxvarhttp.") {
					t.Errorf("%s: message %q does not name the call", name, err)
				}
			}()
			tc.call()
		}()
	}
	// The zero Option does nothing.
	h := ctxvarhttp.Handler(http.HandlerFunc(probe), ctxvarhttp.Option{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("status %d with the zero Option", rec.Code)
	}
}
