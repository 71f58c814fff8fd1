// Package gosecg118 translates the samples of gosec's rule G118 (context
// propagation failures) into ctxvar. G118's three classes become:
//
//   - a goroutine that uses context.Background while the request's context
//     exists: a goroutine started with go, whose Context is empty, while
//     the request's values are set (propagation.go);
//   - a cancel function that is never called: a token that is never reset
//     (tokens.go);
//   - a loop without a ctx.Done guard: a long-lived goroutine that reads
//     the Context on every iteration (loops.go).
package gosecg118

import (
	"context"
	"net/http"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var (
	user     = ctxvar.New[string]("user")
	deadline = ctxvar.New[time.Time]("deadline")
	attempt  = ctxvar.New("attempt", ctxvar.Default(0))
	reqPath  = ctxvar.New("path", ctxvar.Default("/"))
)

func sink(...any) {}

// withUser is the middleware that sets user for each request.
func withUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer user.Reset(user.Set(r.Header.Get("X-User"))) // ok: losttoken [http]
		defer reqPath.Reset(reqPath.Set(r.URL.Path))       // ok: losttoken [http]
		next(w, r)
	}
}

func audit() {
	sink(user.Get(), reqPath.Get())
}

// Vulnerable: the goroutine starts with an empty Context while the
// request's values are set.
func handler(w http.ResponseWriter, r *http.Request) {
	_ = user.Get() // ok: unsetget [http]
	go func() {    // mistake: barego [go-literal]
		child, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		sink(child, user.Get()) // mistake: unsetget [go-literal]
	}()
}

// Vulnerable: a snapshot of the goroutine's empty Context.
func handlerSnapshot(w http.ResponseWriter, r *http.Request) {
	go func() { // mistake: barego [snapshot]
		ctx := ctxvar.WithCurrent(context.TODO())
		ctxvar.RunContext(ctx, audit) // mistake: unsetget [snapshot]
	}()
}

// Nested goroutines: the inner one reads.
func handlerNested(r *http.Request) {
	go func() { // ok: barego [nested-go]
		go func() { // mistake: barego [nested-go]
			sink(reqPath.Get())
		}()
	}()
}

// Vulnerable: the function's context.Context is ignored, and the goroutine
// runs its work in Background's empty snapshot.
func worker(ctx context.Context) {
	go func() { // ok: barego [runcontext]
		ctxvar.RunContext(context.Background(), func() { sink(user.Get()) }) // mistake: unsetget [runcontext]
	}()
}

// Safe: the goroutine runs in the snapshot the caller put in ctx.
func workerPropagates(ctx context.Context) {
	go func(ctx2 context.Context) { // ok: barego [runcontext]
		ctxvar.RunContext(ctx2, func() { sink(user.Get()) }) // ok: unsetget [runcontext]
	}(ctx)
}

// Safe: the snapshot is taken where the value is set.
func handlerPropagates(w http.ResponseWriter, r *http.Request) {
	defer user.Reset(user.Set("from-header"))
	ctx := ctxvar.WithCurrent(r.Context())
	go func() { // ok: barego [runcontext]
		ctxvar.RunContext(ctx, func() { sink(user.Get()) }) // ok: unsetget [runcontext]
	}()
}

// Vulnerable: the snapshot is taken before the Set it needs.
func snapshotTooEarly() {
	go func() { // mistake: barego [snapshot]
		ctx := ctxvar.WithCurrent(context.Background())
		defer user.Reset(user.Set("job"))
		ctxvar.RunContext(ctx, func() { sink(user.Get()) }) // mistake: unsetget [runcontext]
	}()
}

// Vulnerable: a named function started with go.
func launchWorker(ctx context.Context) {
	go audit() // mistake: barego, unsetget [go-named]
}

func readUser() { sink(user.Get()) }

func launchReader(ctx context.Context) {
	go readUser()          // mistake: barego, unsetget [go-named]
	ctxvar.Spawn(readUser) // ok: barego [spawn]
}

// Vulnerable: two goroutines in one function.
func multipleGoroutines(ctx context.Context) {
	go func() { // mistake: barego [go-literal]
		time.Sleep(time.Millisecond)
		sink(attempt.Get())
	}()
	go func() { // mistake: barego [go-literal]
		time.Sleep(time.Millisecond)
		sink(deadline.Get()) // mistake: unsetget [go-literal]
	}()
}

// Vulnerable: the goroutine's parameter is Background.
func spawnWithBg(ctx context.Context) {
	bg := context.Background()
	go func(c context.Context) { // ok: barego [runcontext]
		ctxvar.RunContext(c, func() { sink(deadline.Get()) }) // mistake: unsetget [runcontext]
	}(bg)
}

// Note of the original: a simple goroutine in a handler that reads
// nothing is fine.
func simpleHandler(w http.ResponseWriter, r *http.Request) {
	go func() { // ok: barego [no-read]
		ctx := context.Background()
		_ = ctx
	}()
}

// Safe: the goroutine takes the Context along.
func handlerSpawn(w http.ResponseWriter, r *http.Request) {
	ctxvar.Spawn(func() { // ok: barego [spawn]
		sink(user.Get(), reqPath.Get())
	})
	done := ctxvar.Bind(audit)
	time.AfterFunc(time.Second, done) // ok: barego [bind]
}

// Vulnerable: context.AfterFunc runs its function on a goroutine of its own.
func cleanupAfter(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() { // mistake: barego [launcher-afterfunc]
		sink(reqPath.Get())
	})
	defer stop()
}

// Safe: it enters the snapshot ctx carries.
func cleanupAfterSnapshot(ctx context.Context) {
	ctx = ctxvar.WithCurrent(ctx)
	stop := context.AfterFunc(ctx, func() { // ok: barego [runcontext]
		ctxvar.RunContext(ctx, audit)
	})
	defer stop()
}

// A value passed as the go statement's argument is read by the caller.
func passValue(w http.ResponseWriter, r *http.Request) {
	go sink(reqPath.Get()) // ok: barego [go-args]
	go func(p string) {    // ok: barego [go-args]
		sink(p)
	}(reqPath.Get())
}

// A method value of a server whose method reads the Context, stored first.
type server struct{ name string }

func (s *server) serve() { sink(s.name, user.Get()) }

func (s *server) start() {
	run := s.serve
	go run()     // mistake: barego, unsetget [method-value]
	go s.serve() // mistake: barego, unsetget [go-method]
}

// A handler registered with net/http runs on the connection's goroutine,
// which net/http starts with go: without ctxvarhttp it sees an empty
// Context.
func register(mux *http.ServeMux) {
	mux.HandleFunc("/", withUser(handler))
	mux.HandleFunc("/bare", func(w http.ResponseWriter, r *http.Request) {
		sink(user.Get()) // mistake: unsetget [http]
	})
}
