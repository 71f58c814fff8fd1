package benchcmp

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cloudwego/localsession"
	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/timandy/routine"
)

// The end-to-end rows simulate a server: every request sets two values (a
// request ID and a user), starts two readers that read both, waits for them,
// and logs one record with both values. Each variant carries the values by
// its own mechanism and does nothing else differently.

// request is what a reader, or the log record, read.
type request struct {
	id   int64
	user string
}

// serverLog formats every record and throws it away, so that the logging
// work is real but the output is not.
var serverLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// users are the requests' users; fixed strings, so that choosing one
// allocates nothing.
var users = [...]string{"ada", "grace", "edsger", "barbara"}

// reqIDKey and userKey are the context.Context and localsession keys, boxed
// once.
var reqIDKey, userKey any = ctxKey(100), ctxKey(101)

var (
	vReqID = ctxvar.New[int64]("bench.server.requestid")
	vUser  = ctxvar.New[string]("bench.server.user")

	routineReqID = routine.NewInheritableThreadLocal[int64]()
	routineUser  = routine.NewInheritableThreadLocal[string]()
)

// logRequest logs the request record: the same call for every variant, with
// the values the variant read.
func logRequest(ctx context.Context, r request) {
	serverLog.LogAttrs(ctx, slog.LevelInfo, "request", slog.Int64("id", r.id), slog.String("user", r.user))
}

// BenchmarkServer runs the simulated server under b.RunParallel: each worker
// serves requests one after the other on its own goroutine, as a
// connection's goroutine does in net/http (a bare goroutine, so its Context
// starts empty). ns/op is wall time per request over all workers.
func BenchmarkServer(b *testing.B) {
	b.Run("Ctxvar", func(b *testing.B) { serve(b, handleCtxvar) })
	b.Run("Context", func(b *testing.B) { serve(b, handleContext) })
	b.Run("Routine", func(b *testing.B) { serve(b, handleRoutine) })
	b.Run("Localsession", func(b *testing.B) { serve(b, handleLocalsession) })
}

// serve runs b.N requests through handle under b.RunParallel. handle
// reports whether both readers and the log record saw the request's
// values; a request that did not fails the benchmark, so that a variant
// cannot be fast by carrying nothing.
func serve(b *testing.B, handle func(ctx context.Context, r request) bool) {
	b.ReportAllocs()
	var workers, wrong atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		// Request IDs are unique and large, as real ones are: boxing one
		// allocates in every variant alike.
		id := workers.Add(1) << 32
		n := int64(0)
		for pb.Next() {
			id++
			if !handle(context.Background(), request{id, users[id%int64(len(users))]}) {
				n++
			}
		}
		wrong.Add(n)
	})
	if n := wrong.Load(); n > 0 {
		b.Errorf("%d requests read values other than their own", n)
	}
}

// readCtxvar reads the request from the current Context.
func readCtxvar() request { return request{vReqID.Get(), vUser.Get()} }

func handleCtxvar(ctx context.Context, r request) bool {
	defer vReqID.Reset(vReqID.Set(r.id))
	defer vUser.Reset(vUser.Set(r.user))
	var got [2]request
	var wg sync.WaitGroup
	wg.Add(len(got))
	for i := range got {
		ctxvar.Spawn(func() {
			got[i] = readCtxvar()
			wg.Done()
		})
	}
	wg.Wait()
	logged := readCtxvar()
	logRequest(ctx, logged)
	return got[0] == r && got[1] == r && logged == r
}

// readContext reads the request from ctx.
func readContext(ctx context.Context) request {
	return request{ctx.Value(reqIDKey).(int64), ctx.Value(userKey).(string)}
}

func handleContext(ctx context.Context, r request) bool {
	ctx = context.WithValue(ctx, reqIDKey, r.id)
	ctx = context.WithValue(ctx, userKey, r.user)
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
	logged := readContext(ctx)
	logRequest(ctx, logged)
	return got[0] == r && got[1] == r && logged == r
}

// readRoutine reads the request from the goroutine's inheritable thread
// locals.
func readRoutine() request { return request{routineReqID.Get(), routineUser.Get()} }

func handleRoutine(ctx context.Context, r request) bool {
	// Removed at the end, so that the next request on the worker starts
	// without them, as ctxvar's Resets leave it.
	routineReqID.Set(r.id)
	defer routineReqID.Remove()
	routineUser.Set(r.user)
	defer routineUser.Remove()
	var got [2]request
	var wg sync.WaitGroup
	wg.Add(len(got))
	for i := range got {
		routine.Go(func() {
			got[i] = readRoutine()
			wg.Done()
		})
	}
	wg.Wait()
	logged := readRoutine()
	logRequest(ctx, logged)
	return got[0] == r && got[1] == r && logged == r
}

// readLocalsession reads the request from the goroutine's session.
func readLocalsession() request {
	s, ok := localsession.CurSession()
	if !ok {
		return request{}
	}
	id, _ := s.Get(reqIDKey).(int64)
	user, _ := s.Get(userKey).(string)
	return request{id, user}
}

func handleLocalsession(ctx context.Context, r request) bool {
	// The worker has no session: bind a fresh one for the request and
	// unbind it at the end.
	localsession.BindSession(localsession.NewSessionCtx(ctx).WithValue(reqIDKey, r.id).WithValue(userKey, r.user))
	defer localsession.UnbindSession()
	var got [2]request
	var wg sync.WaitGroup
	wg.Add(len(got))
	for i := range got {
		localsession.Go(func() {
			got[i] = readLocalsession()
			wg.Done()
		})
	}
	wg.Wait()
	logged := readLocalsession()
	logRequest(ctx, logged)
	return got[0] == r && got[1] == r && logged == r
}
