package ctxvar_test

// Goroutines that the runtime or a library reuses for several independent
// units of work: the serving goroutine of an HTTP/1.x keep-alive connection,
// the goroutines that run cleanups and finalizers, and a pool's worker. (C
// threads calling Go are in ctxvar/internal/cgocallback.) Each test shows
// first that a unit's Set without Reset is seen by the next unit on the same
// goroutine, which is the runtime's behaviour and not a bug of ctxvar, and
// then that the documented boundary (a unit entering an empty Context with
// new(ctxvar.Context).Run, or Bind at submission) leaves the next unit
// nothing. The first half would fail if the runtime stopped reusing those
// goroutines; the test then says so.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// reuseUser is the Var that one unit of work sets and the next one reads.
var reuseUser = ctxvar.New[string]("user")

// goroutineID returns the calling goroutine's id, from the header of
// runtime.Stack's output ("goroutine 123 [running]:").
func goroutineID() uint64 {
	var buf [64]byte
	s := buf[:runtime.Stack(buf[:], false)]
	s = bytes.TrimPrefix(s, []byte("goroutine "))
	if i := bytes.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	id, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		panic(fmt.Sprintf("cannot read the goroutine id from %q", buf[:]))
	}
	return id
}

// seenUser describes what reuseUser holds in the current Context.
func seenUser() string {
	if u, ok := reuseUser.Lookup(); ok {
		return "user=" + u
	}
	return "no user"
}

// emptyContextMiddleware is the boundary for an HTTP server: every request's
// handler runs in an empty Context of its own, whatever an earlier request
// served by the same goroutine left behind.
func emptyContextMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		new(ctxvar.Context).Run(func() { next.ServeHTTP(w, r) })
	})
}

// copyContextMiddleware is the wrong boundary: it runs the handler in a copy
// of the serving goroutine's Context, which carries whatever leaked into it.
func copyContextMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctxvar.Copy().Run(func() { next.ServeHTTP(w, r) })
	})
}

// httpRequests serves, on one HTTP/1.1 keep-alive connection and so on one
// goroutine of the server, a request to /login (whose handler, wrapped by
// wrapLogin, sets user=alice without Reset) and then one to /whoami (whose
// handler, wrapped by wrapWhoami, reports the user it sees), and returns that
// report. A nil wrapper leaves the handler as it is. It fails the test if the
// requests did not share a connection.
func httpRequests(t *testing.T, wrapLogin, wrapWhoami func(http.Handler) http.Handler) string {
	t.Helper()
	// Where /login runs unwrapped, its Set lands in the serving goroutine's
	// own Context; a third request, /logout, resets it there so that the
	// leak does not outlive the test.
	loginLeaks := wrapLogin == nil
	unwrapped := func(h http.Handler) http.Handler { return h }
	if wrapLogin == nil {
		wrapLogin = unwrapped
	}
	if wrapWhoami == nil {
		wrapWhoami = unwrapped
	}

	var (
		mu  sync.Mutex
		tok *ctxvar.Token[string] // /login's, for /logout
	)
	mux := http.NewServeMux()
	mux.Handle("/login", wrapLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tk := reuseUser.Set(r.URL.Query().Get("user")) // no Reset: the bug under test
		mu.Lock()
		tok = tk
		mu.Unlock()
		fmt.Fprint(w, "welcome")
	})))
	mux.Handle("/whoami", wrapWhoami(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, seenUser())
	})))
	mux.HandleFunc("/logout", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tk := tok
		mu.Unlock()
		reuseUser.Reset(tk)
		fmt.Fprint(w, seenUser())
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := srv.Client() // keep-alive is on by default
	client.Timeout = 5 * time.Second
	defer client.CloseIdleConnections()

	get := func(path string) (body string, reused bool) {
		t.Helper()
		trace := &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
		}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		b, err := io.ReadAll(resp.Body) // to the end, so that the connection is reused
		resp.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s: %s", path, resp.Status, b)
		}
		if resp.ProtoMajor != 1 {
			t.Fatalf("GET %s: served over %s, want HTTP/1.x", path, resp.Proto)
		}
		return string(b), reused
	}

	get("/login?user=alice")
	saw, reused := get("/whoami")
	if !reused {
		t.Fatal("GET /whoami did not reuse the connection of GET /login: the test needs both on one keep-alive connection")
	}
	if loginLeaks {
		if after, reused := get("/logout"); !reused || after != "no user" {
			t.Errorf("GET /logout: reused connection %v, then %q; want true, then \"no user\"", reused, after)
		}
	}
	return saw
}

// On an HTTP/1.x keep-alive connection, net/http serves the requests one
// after another on the connection's goroutine.
func TestReuseHTTPKeepAlive(t *testing.T) {
	t.Run("no boundary", func(t *testing.T) {
		if saw := httpRequests(t, nil, nil); saw != "user=alice" {
			t.Fatalf("the request after alice's, on the same connection, saw %q; want \"user=alice\", "+
				"the leak that net/http's reuse of the connection's goroutine causes "+
				"(if net/http no longer serves a connection's requests on one goroutine, "+
				"update this test and docs/runtime.md#reused-goroutines)", saw)
		}
	})
	t.Run("new(ctxvar.Context).Run middleware", func(t *testing.T) {
		if saw := httpRequests(t, emptyContextMiddleware, emptyContextMiddleware); saw != "no user" {
			t.Fatalf("with the empty-Context middleware, the request after alice's saw %q; want \"no user\"", saw)
		}
	})
	// The middleware protects a request even when something outside it
	// leaked: here /login is not wrapped.
	t.Run("new(ctxvar.Context).Run middleware, leak outside it", func(t *testing.T) {
		if saw := httpRequests(t, nil, emptyContextMiddleware); saw != "no user" {
			t.Fatalf("with the empty-Context middleware, the request after alice's saw %q; want \"no user\"", saw)
		}
	})
	// A copy of the serving goroutine's Context is no boundary: it carries
	// what leaked into that goroutine.
	t.Run("ctxvar.Copy().Run middleware is wrong", func(t *testing.T) {
		if saw := httpRequests(t, nil, copyContextMiddleware); saw != "user=alice" {
			t.Fatalf("with the Copy().Run middleware, the request after alice's saw %q; want \"user=alice\": "+
				"a copy of the serving goroutine's Context carries the leak", saw)
		}
	})
}

// afterGC calls register with a new object and a done function, for register
// to attach to the object a cleanup or a finalizer that calls done last; then
// it collects the object and waits, up to 5 s, for done.
func afterGC(t *testing.T, what string, register func(obj *[8]*int, done func())) {
	t.Helper()
	ran := make(chan struct{})
	func() {
		// Eight words with pointers: not from the tiny allocator, whose
		// blocks may be kept alive by their neighbours.
		obj := new([8]*int)
		register(obj, func() { close(ran) })
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		select {
		case <-ran:
			return
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the %s did not run within 5 s", what)
		}
	}
}

// unitResult is what one unit of work run by the runtime saw.
type unitResult struct {
	goroutine uint64
	saw       string
	tok       *ctxvar.Token[string]
}

// twoUnits runs on the runtime's goroutine, with run (which attaches a
// cleanup or a finalizer, see afterGC), a first unit that sets user=alice
// without Reset, then a second unit that reports what it sees; with boundary,
// each unit enters new(ctxvar.Context) first. It returns the goroutine ids
// and the second unit's report. Without boundary, another unit then resets
// the first unit's value on its goroutine, so that it does not outlive the
// test.
func twoUnits(t *testing.T, what string, boundary bool, run func(t *testing.T, what string, unit func())) (first, second uint64, saw string) {
	t.Helper()
	unit := func(fn func()) func() {
		if boundary {
			return func() { new(ctxvar.Context).Run(fn) }
		}
		return fn
	}
	var r1, r2 unitResult // each written by a unit, read after it ran
	run(t, what, func() {
		r1.goroutine = goroutineID()
		unit(func() { r1.tok = reuseUser.Set("alice") })() // no Reset: the bug under test
	})
	run(t, what, func() {
		r2.goroutine = goroutineID()
		unit(func() { r2.saw = seenUser() })()
	})
	if !boundary {
		resetOn(t, what, r1.goroutine, r1.tok, run)
	}
	return r1.goroutine, r2.goroutine, r2.saw
}

// resetOn resets tok, from a Set on the goroutine id, in a unit that run runs
// on that goroutine, so that the first unit's value does not outlive the test.
// A unit that runs on another goroutine (there may be several cleanup
// goroutines) does nothing, and the next one tries again.
func resetOn(t *testing.T, what string, id uint64, tok *ctxvar.Token[string], run func(t *testing.T, what string, unit func())) {
	t.Helper()
	for range 20 {
		reset := false
		run(t, what, func() {
			if goroutineID() == id {
				reuseUser.Reset(tok)
				reset = true
			}
		})
		if reset {
			return
		}
	}
	t.Logf("no %s ran on goroutine %d to reset the value set there", what, id)
}

// runCleanup runs unit in a cleanup attached with runtime.AddCleanup.
func runCleanup(t *testing.T, what string, unit func()) {
	t.Helper()
	afterGC(t, what, func(obj *[8]*int, done func()) {
		runtime.AddCleanup(obj, func(done func()) { unit(); done() }, done)
	})
}

// runFinalizer runs unit in a finalizer set with runtime.SetFinalizer.
func runFinalizer(t *testing.T, what string, unit func()) {
	t.Helper()
	afterGC(t, what, func(obj *[8]*int, done func()) {
		runtime.SetFinalizer(obj, func(*[8]*int) { unit(); done() })
	})
}

// sameGoroutineUnits is twoUnits, retried until both units ran on the same
// goroutine: the runtime runs all finalizers on one goroutine, and cleanups
// on up to GOMAXPROCS/4 goroutines, the one that went to sleep last being
// woken first.
func sameGoroutineUnits(t *testing.T, what string, boundary bool, run func(t *testing.T, what string, unit func())) string {
	t.Helper()
	// ctxvar's sweeper removes the values of goroutines missing from
	// runtime.Stack's list, which leaves out the runtime's goroutines while
	// they wait for work, and it runs at GC cycles, which this test forces
	// between the units. In a program nothing makes a sweep run between two
	// units, so the value may reach the next one: hold the sweeper to show
	// that it does.
	ctxvar.HoldSweeper(t)
	const attempts = 20
	for range attempts {
		first, second, saw := twoUnits(t, what, boundary, run)
		if first == second {
			t.Logf("both %ss ran on goroutine %d", what, first)
			return saw
		}
		t.Logf("the %ss ran on goroutines %d and %d; again", what, first, second)
	}
	t.Fatalf("in %d attempts, the runtime never ran two %ss one after the other on the same goroutine "+
		"(if the runtime no longer reuses that goroutine, update this test and docs/runtime.md#reused-goroutines)", attempts, what)
	return ""
}

// The runtime runs cleanups (runtime.AddCleanup) one after another on a few
// long-lived goroutines of its own.
func TestReuseCleanups(t *testing.T) {
	t.Run("no boundary", func(t *testing.T) {
		if saw := sameGoroutineUnits(t, "cleanup", false, runCleanup); saw != "user=alice" {
			t.Fatalf("the cleanup after the one that set alice saw %q; want \"user=alice\", the leak", saw)
		}
	})
	t.Run("new(ctxvar.Context).Run in each cleanup", func(t *testing.T) {
		if saw := sameGoroutineUnits(t, "cleanup", true, runCleanup); saw != "no user" {
			t.Fatalf("with new(ctxvar.Context).Run, the cleanup after the one that set alice saw %q; want \"no user\"", saw)
		}
	})
}

// The runtime runs finalizers (runtime.SetFinalizer) one after another on one
// goroutine of its own.
func TestReuseFinalizers(t *testing.T) {
	t.Run("no boundary", func(t *testing.T) {
		if saw := sameGoroutineUnits(t, "finalizer", false, runFinalizer); saw != "user=alice" {
			t.Fatalf("the finalizer after the one that set alice saw %q; want \"user=alice\", the leak", saw)
		}
	})
	t.Run("new(ctxvar.Context).Run in each finalizer", func(t *testing.T) {
		if saw := sameGoroutineUnits(t, "finalizer", true, runFinalizer); saw != "no user" {
			t.Fatalf("with new(ctxvar.Context).Run, the finalizer after the one that set alice saw %q; want \"no user\"", saw)
		}
	})
}

// pool is a worker pool of one long-lived goroutine that runs the submitted
// tasks one after another, each through the worker's run.
type pool struct {
	tasks chan func()
	done  chan struct{}
}

func newPool(run func(task func())) *pool {
	p := &pool{tasks: make(chan func()), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for task := range p.tasks {
			run(task)
		}
	}()
	return p
}

// do runs task on the worker and waits for it to return.
func (p *pool) do(task func()) {
	finished := make(chan struct{})
	p.tasks <- func() {
		defer close(finished)
		task()
	}
	<-finished
}

func (p *pool) stop() {
	close(p.tasks)
	<-p.done
}

// A worker goroutine runs the tasks of many submitters one after another.
func TestReuseWorkerPool(t *testing.T) {
	call := func(task func()) { task() }

	t.Run("no boundary", func(t *testing.T) {
		p := newPool(call)
		defer p.stop()
		var tok *ctxvar.Token[string]
		var saw string
		p.do(func() { tok = reuseUser.Set("alice") }) // no Reset: the bug under test
		p.do(func() { saw = seenUser() })
		if saw != "user=alice" {
			t.Errorf("the task after alice's saw %q; want \"user=alice\", the leak", saw)
		}
		p.do(func() { reuseUser.Reset(tok) }) // on the worker, where the Set was
	})

	// Bind at submission: each task runs in a fresh copy of its submitter's
	// Context, whatever an earlier task on the worker did.
	//lint:ignore barego the subtest binds its own Context, which starts empty on purpose
	t.Run("Bind at submission", func(t *testing.T) {
		p := newPool(call)
		defer p.stop()
		submitAs := func(user string, task func()) {
			if user != "" {
				defer reuseUser.Reset(reuseUser.Set(user))
			}
			p.do(ctxvar.Bind(task))
		}
		var saw, sawBob, sawNobody string
		submitAs("alice", func() {
			reuseUser.Set("mallory") // no Reset: lost with this call's copy
		})
		submitAs("bob", func() { sawBob = seenUser() })
		submitAs("", func() { sawNobody = seenUser() })
		p.do(func() { saw = seenUser() }) // not bound: the worker's own Context
		if sawBob != "user=bob" || sawNobody != "no user" || saw != "no user" {
			t.Errorf("with Bind at submission, tasks after alice's saw %q (submitted by bob), %q (submitted with no user); "+
				"the worker's own Context has %q; want \"user=bob\", \"no user\", \"no user\"", sawBob, sawNobody, saw)
		}
	})

	// The worker enters a fresh empty Context for each task.
	t.Run("new(ctxvar.Context).Run per task", func(t *testing.T) {
		p := newPool(func(task func()) { new(ctxvar.Context).Run(task) })
		defer p.stop()
		var saw string
		p.do(func() { reuseUser.Set("alice") }) // no Reset: lost with this task's Context
		p.do(func() { saw = seenUser() })
		if saw != "no user" {
			t.Errorf("with new(ctxvar.Context).Run per task, the task after alice's saw %q; want \"no user\"", saw)
		}
	})
}

// new(ctxvar.Context), the zero Context, is empty, and Run enters it.
func TestZeroContextIsEmpty(t *testing.T) {
	tok := reuseUser.Set("alice")
	defer reuseUser.Reset(tok)
	c := new(ctxvar.Context)
	if n := c.Len(); n != 0 {
		t.Fatalf("new(ctxvar.Context).Len() = %d, want 0", n)
	}
	var saw, after string
	c.Run(func() {
		saw = seenUser()
		reuseUser.Set("bob")
	})
	c.Run(func() { after = seenUser() })
	if saw != "no user" || after != "user=bob" {
		t.Errorf("in new(ctxvar.Context): first Run saw %q, second %q; want \"no user\", then \"user=bob\" (Sets persist in the Context)", saw, after)
	}
	if got := seenUser(); got != "user=alice" {
		t.Errorf("after the Runs, the caller sees %q, want \"user=alice\"", got)
	}
	if u, ok := ctxvar.ValueIn(c, reuseUser); !ok || u != "bob" {
		t.Errorf("ValueIn(c, user) = %q, %v; want \"bob\", true", u, ok)
	}
}
