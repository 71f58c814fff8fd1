package a

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"example.com/barego/b"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var tenant = ctxvar.New[string]("tenant")

func logID() { // want logID:"reads requestID.Get"
	fmt.Println(requestID.Get())
}

func logBoth() { // want logBoth:"reads requestID.Get, tenant.Lookup"
	logID()
	_, _ = tenant.Lookup()
}

// Go statements.

func goLiteral() {
	go func() { // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
		fmt.Println(requestID.Get())
	}()
}

func goNamed() {
	go logID() // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
}

func goBoth() {
	go logBoth() // want `: requestID.Get and tenant.Lookup see none of the caller's values; start it with ctxvar.Spawn$`
}

type server struct{ name string }

func (s *server) run() { // want run:"reads requestID.Get"
	fmt.Println(s.name, requestID.Get())
}

func goMethodValue(s *server) {
	go s.run() // want `requestID.Get sees none of the caller's values`
}

func goMethodExpr(s *server) {
	go (*server).run(s) // want `requestID.Get sees none of the caller's values`
}

func generic[T any](x T) { // want generic:"reads tenant.GetOr"
	fmt.Println(x, tenant.GetOr("?"))
}

func goGeneric() {
	go generic(1)           // want `tenant.GetOr sees none of the caller's values`
	go generic[string]("x") // want `tenant.GetOr sees none of the caller's values`
	go b.Process(2)         // want `b.RequestID.GetOr sees none of the caller's values`
}

// level1 reads c.Tenant three calls and two packages down.
func level1() { // want level1:"reads c.Tenant.Lookup"
	level2()
}

func level2() { // want level2:"reads c.Tenant.Lookup"
	b.Deep()
}

func goTransitive() {
	go level1() // want `c.Tenant.Lookup sees none of the caller's values`
	go b.ID()   // want `b.RequestID.Get sees none of the caller's values`
	go b.Deep() // want `c.Tenant.Lookup sees none of the caller's values`
	go func() { // want `b.RequestID.Get and c.Tenant.Lookup see none of the caller's values`
		b.ID()
		level2()
	}()
}

func goField(srv *b.Server) {
	go srv.Handle() // want `b.Server.Tenant.Get sees none of the caller's values`
}

func goCarrier() {
	go func() { // want `: ctxvar.Spawn passes on an empty Context; start it with ctxvar.Spawn$`
		ctxvar.Spawn(logID)
	}()
	go func() { // want `: ctxvar.Copy passes on an empty Context;`
		c := ctxvar.Copy()
		c.Run(logID)
	}()
	go func() { // want `: requestID.Get sees none of the caller's values and ctxvar.Bind passes on an empty Context;`
		f := ctxvar.Bind(logID)
		logID()
		f()
	}()
	go b.Go(logID) // want `ctxvar.Spawn passes on an empty Context`
}

// A Set on one path only does not protect the read.
func goSetOnOnePath(ok bool) {
	go func() { // want `requestID.Get sees none of the caller's values`
		if ok {
			requestID.Set("x")
		}
		fmt.Println(requestID.Get())
	}()
	go func() { // want `requestID.Get sees none of the caller's values`
		for i := 0; i < 3; i++ {
			fmt.Println(requestID.Get())
			requestID.Set("y")
		}
	}()
}

// walk is recursive; its summary still terminates.
func walk(n int) { // want walk:"reads requestID.Get"
	if n > 0 {
		walk(n - 1)
	}
	_ = requestID.Get()
}

func ping(n int) { // want ping:"reads tenant.Get"
	if n > 0 {
		pong(n - 1)
	}
}

func pong(n int) { // want pong:"reads tenant.Get"
	_ = tenant.Get()
	ping(n)
}

func goRecursive() {
	go walk(2) // want `requestID.Get sees none of the caller's values`
	go ping(2) // want `tenant.Get sees none of the caller's values`
}

// Launchers.

func launchers(ctx context.Context, t *testing.T, tb *testing.B, s *server) {
	var g errgroup.Group
	g.Go(func() error { // want `^errgroup.\(\*Group\).Go runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindErr$`
		fmt.Println(requestID.Get())
		return nil
	})
	g.TryGo(func() error { // want `^errgroup.\(\*Group\).TryGo runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindErr$`
		logID()
		return nil
	})
	var wg sync.WaitGroup
	wg.Go(logID)                       // want `^sync.\(\*WaitGroup\).Go runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.Bind$`
	time.AfterFunc(time.Second, logID) // want `^time.AfterFunc runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.Bind$`
	time.AfterFunc(time.Second, s.run) // want `^time.AfterFunc runs its function`
	context.AfterFunc(ctx, level1)     // want `^context.AfterFunc runs its function on another goroutine with an empty Context: c.Tenant.Lookup sees none of the caller's values; wrap the function with ctxvar.Bind$`
	t.Run("sub", func(t *testing.T) {  // want `^testing.\(\*T\).Run runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindArg$`
		t.Log(requestID.Get())
	})
	tb.Run("bench", func(b *testing.B) { // want `^testing.\(\*B\).Run runs its function`
		logBoth()
	})
	wg.Go(func() { // want `sync.\(\*WaitGroup\).Go runs its function`
		generic(1)
	})
	(*errgroup.Group).Go(&g, func() error { // want `^errgroup.\(\*Group\).Go runs its function`
		logID()
		return nil
	})
}

// async is a launcher of this package.
func async(fn func()) { // want async:"runs fn on another goroutine"
	go fn()
}

// asyncPair launches one of its parameters and binds the other.
func asyncPair(bg, fg func()) { // want asyncPair:"runs bg on another goroutine" asyncPair:"binds fg to the caller's Context" asyncPair:"carries ctxvar.Spawn"
	go bg()
	ctxvar.Spawn(fg)
}

func userLaunchers(p *b.Pool) { // want userLaunchers:"carries ctxvar.Spawn"
	async(logID)                       // want `^a.async runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.Bind$`
	asyncLater(logID)                  // want `^a.asyncLater runs its function`
	b.Async(func() { logID() })        // want `^b.Async runs its function`
	b.AsyncTwice(logID)                // want `^b.AsyncTwice runs its function`
	p.Submit("job", logID)             // want `^b.\(\*Pool\).Submit runs its function`
	b.After(time.Second, level1)       // want `^b.After runs its function on another goroutine with an empty Context: c.Tenant.Lookup sees none of the caller's values; wrap the function with ctxvar.Bind$`
	asyncPair(logID, logID)            // want `^a.asyncPair runs its function`
	b.Hooked(logID, logID)             // want `^b.Hooked runs its function`
	(*b.Pool).Submit(p, "expr", logID) // want `^b.\(\*Pool\).Submit runs its function`
	goT(func(x int) { logID() }, 1)    // want `^a.goT runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindArg$`
	asyncArgs(func(x, y int) {         // want `^a.asyncArgs runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; capture the Context with ctxvar.Copy and run the function inside its Run$`
		logID()
	})
}

// goT is a generic launcher.
func goT[T any](fn func(T), v T) { // want goT:"runs fn on another goroutine"
	go fn(v)
}

// asyncArgs launches a function that no Bind variant fits.
func asyncArgs(fn func(x, y int)) { // want asyncArgs:"runs fn on another goroutine"
	go fn(1, 2)
}

// asyncLater is declared after its use and launches through async.
func asyncLater(fn func()) { // want asyncLater:"runs fn on another goroutine"
	async(fn)
}

// Negatives: functions that never use the Context.

func quiet() { fmt.Println("quiet") }

func noReads(ctx context.Context, t *testing.T) {
	go func() { fmt.Println("hello") }()
	go fmt.Println("x")
	go quiet()
	go func() { _ = c2() }()
	var g errgroup.Group
	g.Go(func() error { return nil })
	time.AfterFunc(time.Second, func() {})
	context.AfterFunc(ctx, quiet)
	t.Run("quiet", func(t *testing.T) { t.Log("quiet") })
	async(quiet)
	b.Async(quiet)
}

func c2() int { return len("unrelated") }

// Wrapped with Spawn, Bind, BindErr or BindArg.
func wrapped(t *testing.T) { // want wrapped:"carries ctxvar.Bind, ctxvar.BindArg, ctxvar.BindErr, ctxvar.Spawn"
	ctxvar.Spawn(logID)
	ctxvar.Spawn(func() { logID() })
	var g errgroup.Group
	g.Go(ctxvar.BindErr(func() error { logID(); return nil }))
	var wg sync.WaitGroup
	wg.Go(ctxvar.Bind(logID))
	time.AfterFunc(time.Second, ctxvar.Bind(logID))
	go ctxvar.Bind(logID)()
	t.Run("bound", ctxvar.BindArg(func(t *testing.T) { t.Log(requestID.Get()) }))
	async(ctxvar.Bind(logID))
}

// Spawn-like wrappers of another package.
func spawnLike() { // want spawnLike:"carries ctxvar.Bind, ctxvar.Spawn"
	b.Go(logID)
	b.Go(func() { logID() })
	b.GoVia(logID)
	b.SafeAsync(logID)
	b.Reassigned(logID)
	b.Later(logID) // a launcher only with -launchers
	b.Background(func() { b.ID() })
	b.Hooked(quiet, logID)
}

// Calls that cannot be resolved keep barego silent.
type logger interface{ Log() }

func dynamic(l logger, f func(), fs []func()) { // want dynamic:"runs f on another goroutine"
	go l.Log()
	go f()
	go fs[0]()
	go func() {
		l.Log()
		f()
	}()
	var g errgroup.Group
	g.Go(func() error { f(); return nil })
	time.AfterFunc(time.Second, f)
	time.AfterFunc(time.Second, l.Log)
}

// A local variable that holds a function literal starts it as the literal
// would (see funcvals.go for the other shapes).
func localFunc() {
	local := func() { logID() }
	go local()                         // want `requestID.Get sees none of the caller's values`
	go func() { local() }()            // want `requestID.Get sees none of the caller's values`
	time.AfterFunc(time.Second, local) // want `^time.AfterFunc runs its function on another goroutine with an empty Context: requestID.Get sees none`
}

// A goroutine that enters a Context carries a snapshot.
func contextRun(c *ctxvar.Context) {
	go c.Run(logID)
	go c.Copy().Run(logID)
	go func() {
		c.Run(func() { logID() })
	}()
}

// Reads after a Set on every path read the goroutine's own Context.
func readAfterSet(ok bool) {
	go func() {
		defer requestID.Reset(requestID.Set("worker"))
		fmt.Println(requestID.Get())
	}()
	go func() {
		requestID.Set("x")
		logID()
	}()
	go func() {
		if ok {
			requestID.Set("y")
		} else {
			requestID.Set("z")
		}
		logID()
	}()
	go func() {
		initRequest()
		logID()
	}()
	go func() {
		b.WithUser("x")
	}()
	go func() {
		defer logID() // runs after the Set below
		requestID.Set("w")
	}()
	go func() {
		if !ok {
			panic("not ok")
		}
		requestID.Set("v")
		logID()
	}()
	go setThenRead()
}

func initRequest() { // want initRequest:"sets requestID"
	requestID.Set("init")
}

func setThenRead() { // want setThenRead:"sets requestID"
	requestID.Set("own")
	logID()
}

// The function's own reads happen in the parent: they are not the goroutine's.
func readInParent() { // want readInParent:"reads requestID.Get"
	go fmt.Println(requestID.Get())
	go quietArg(requestID.Get())
}

func quietArg(s string) {
	_ = s
}

// A Var that is not a package-level variable or field cannot be named.
func localVar() {
	v := requestID
	go func() { _ = v.Get() }()
	go func() { _ = pick().Get() }()
}

func pick() *ctxvar.Var[string] { return requestID }

// Recursion without reads.
func countdown(n int) {
	if n > 0 {
		countdown(n - 1)
	}
}

func even(n int) bool {
	if n == 0 {
		return true
	}
	return odd(n - 1)
}

func odd(n int) bool {
	if n == 0 {
		return false
	}
	return even(n - 1)
}

func goRecursiveQuiet() {
	go countdown(3)
	go even(4)
}

// Directives.
func ignored() {
	//lint:ignore barego the worker runs outside any request
	go logID()
	go logID() //lint:ignore barego same-line directive
	//lint:ignore barego a launcher's argument
	time.AfterFunc(time.Second, logID)
	//lint:ignore barego
	go logID() // want `requestID.Get sees none of the caller's values`
}

// Code that barego cannot see may set the Var before the read: silent.
type hooks interface{ Start() }

func unknownCodeFirst(h hooks, setup func(), ctx context.Context) { // want unknownCodeFirst:"runs setup on another goroutine"
	go func() {
		setup()
		logID()
	}()
	go func() {
		h.Start()
		logID()
	}()
	go func() {
		runSetup(setup)
		logID()
	}()
	go func() { // want `requestID.Get sees none of the caller's values`
		<-ctx.Done() // a method of a standard interface sets no Var
		_ = ctx.Err()
		logID()
	}()
	go func() { // want `requestID.Get sees none of the caller's values`
		logID() // before the unknown code
		setup()
	}()
}

func runSetup(setup func()) { // want runSetup:"sets any Var"
	setup()
}

// Methods of generic types, promoted methods and package-level literals.
type box[T any] struct{ v T }

func (bx *box[T]) show() { // want show:"reads tenant.Get"
	fmt.Println(bx.v, tenant.Get())
}

type outer struct {
	*server
}

var starter = func() {
	go logID() // want `requestID.Get sees none of the caller's values`
}

func methods(bx *box[int], o outer) {
	go bx.show() // want `tenant.Get sees none of the caller's values`
	go o.run()   // want `requestID.Get sees none of the caller's values`
}

// asyncLogged is a launcher whose go statement also reads a Var itself:
// that read is reported where it is.
func asyncLogged(fn func()) { // want asyncLogged:"runs fn on another goroutine"
	go func() { // want `requestID.Get sees none of the caller's values`
		logID()
		fn()
	}()
}

// Deferred reads and reads in control flow.
func controlFlow(ch chan int, n int) {
	go func() { // want `requestID.Get sees none of the caller's values`
		defer logID()
	}()
	go func() { // want `tenant.Get sees none of the caller's values`
		select {
		case <-ch:
			_ = tenant.Get()
		default:
		}
	}()
	go func() { // want `requestID.GetOr sees none of the caller's values`
		switch n {
		case 1:
			requestID.Set("one")
		default:
			_ = requestID.GetOr("?")
		}
	}()
	go func() {
		switch n {
		case 1:
			requestID.Set("one")
		default:
			requestID.Set("other")
		}
		logID()
	}()
}

// A Var in a field of an unnamed struct type cannot be named across
// packages: silent.
var config = struct{ level *ctxvar.Var[int] }{ctxvar.New[int]("level")}

func unnamedField() {
	go func() { _ = config.level.Get() }()
}

// Vars in fields of package-level struct variables are named as the code
// reads them: through the variable, with its package, whatever package
// declares the struct type.
type limits struct{ region *ctxvar.Var[string] }

var defaults = limits{region: ctxvar.New("region", ctxvar.Default("eu"))}

var local = b.Settings{Region: ctxvar.New[string]("localRegion")}

func structVars(s *b.Settings) {
	go func() { _ = defaults.region.Get() }() // want `^goroutine started with go runs with an empty Context: defaults.region.Get sees none of the caller's values; start it with ctxvar.Spawn$`
	go func() { _ = b.Config.Region.Get() }() // want `: b.Config.Region.Get sees none of the caller's values;`
	go b.Region()                             // want `: b.Config.Region.Get sees none of the caller's values;`
	go b.Burst()                              // want `: b.Config.Limits.Burst.GetOr sees none of the caller's values;`
	go func() { _ = local.Region.Get() }()    // want `: local.Region.Get sees none of the caller's values;`
	go func() { _ = s.Region.Get() }()        // want `: b.Settings.Region.Get sees none of the caller's values;`
	go s.Describe()                           // want `: b.Config.Region.Get and b.Settings.Region.Get see none of the caller's values;`
}

// Carrying the Context to a function that does not use it is harmless.
func carryToQuiet() { // want carryToQuiet:"carries ctxvar.Copy"
	go func() {
		ctxvar.Spawn(quiet)
		ctxvar.Spawn(func() { fmt.Println("quiet") })
		_ = ctxvar.Bind(quiet)
	}()
	ctxvar.Copy().Run(quiet) // the snapshot may run anything: Copy carries
}
