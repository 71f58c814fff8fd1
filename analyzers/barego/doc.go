// Package barego defines an Analyzer that reports goroutines started
// without their parent's Context whose functions use context variables.
//
// # Analyzer barego
//
// barego: check that goroutines using context variables start with the Context
//
// A goroutine started with a bare go statement starts in an empty Context:
// every Var.Get in it sees only the Var's default, GetOr its fallback, and
// Lookup reports no value, whatever its parent had set. barego reports a go
// statement, and a call that runs a function on another goroutine, when that
// function reads a context variable (Get, GetOr, Lookup) or carries the
// Context on (ctxvar.Copy, Spawn, Bind, BindErr, BindArg), directly or
// through the functions it calls, in any package.
//
// This is the Go form of a gotcha of Python's contextvars: asyncio copies the
// Context into every task it creates, but a callback scheduled by hand, as
// with loop.call_soon on Python 3.5 and 3.6, runs without it unless it is
// wrapped with copy_context().run. In Go every go statement is such a
// callback: only ctxvar.Spawn and ctxvar.Bind take the Context along.
//
// For example:
//
//	var requestID = ctxvar.New("requestID", ctxvar.Default("none"))
//
//	func handle(id string) {
//		defer requestID.Reset(requestID.Set(id))
//		go audit() // audit logs "none", not id
//	}
//
//	func audit() { log.Print(requestID.Get()) }
//
// is reported as
//
//	goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn
//
// and is fixed by starting the goroutine with ctxvar.Spawn, which copies the
// caller's Context into the new goroutine:
//
//	ctxvar.Spawn(audit)
//
// Launchers. A launcher is a function that runs a function argument on
// another goroutine. barego knows these:
//
//	golang.org/x/sync/errgroup.(*Group).Go and TryGo
//	sync.(*WaitGroup).Go
//	time.AfterFunc
//	context.AfterFunc
//	testing.(*T).Run, testing.(*B).Run and RunParallel, testing.(*F).Fuzz
//	runtime.AddCleanup
//
// A function argument of a launcher that uses the Context is reported:
//
//	g.Go(func() error { return fetch(requestID.Get()) })
//
//	errgroup.(*Group).Go runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindErr
//
// and is fixed by wrapping it with ctxvar.Bind (for a func()),
// ctxvar.BindErr (for a func() error) or ctxvar.BindArg (for a func(A),
// such as the func(*testing.T) of t.Run), which capture the caller's Context
// at the call and run the function in a copy of it:
//
//	g.Go(ctxvar.BindErr(func() error { return fetch(requestID.Get()) }))
//
// A function is a launcher too when it hands a func parameter to a go
// statement or to another launcher, in its package or in another one:
//
//	func Async(fn func()) { go fn() }
//
// Async's own go statement is not reported, since Async cannot know what fn
// does; its calls are, when the function they pass uses the Context. A
// function that hands its func parameter to ctxvar.Spawn, Bind, BindErr or
// BindArg, or to a spawner (see Options), is not a launcher but a Spawn: its
// calls are fine.
//
// What counts as using the Context. barego reports only the Vars that a
// function may read, on some path, before a Set of that Var on that path:
// a function that sets a Var on every path before reading it builds its own
// Context for that Var. When unsure, barego stays silent: a call counts as a
// Set of every Var the callee may set; a call it cannot resolve (of a func
// value, or of an interface method declared outside the standard library)
// counts as a Set of every Var; and a deferred call counts as running after
// every Set of its function. A function that carries the Context on (Copy,
// Spawn, Bind, BindErr, BindArg) uses it, unless it surely set some Var
// first or hands it to a function that barego can resolve and that does not
// use it.
//
// barego follows static calls of functions and methods, in the package and,
// through facts, in the packages it imports; recursion is fine. It does not
// follow calls through interfaces or func values, nor function literals that
// are not called where they are written: a literal handed to c.Run runs in
// c, not in the goroutine's Context. A goroutine whose function enters a
// Context itself, such as go c.Run(fn) with c a *ctxvar.Context, carries a
// snapshot and is not reported. Vars are identified when they are
// package-level variables or fields of package-level struct types; reads of
// other Vars (a local variable holding a Var, a Var returned by a call) are
// not reported. A field is named as the code reads it: Config.Region when
// read through the package-level variable Config, Settings.Region, by its
// type, when read through another value. Test files are checked too.
//
// Suggested fixes. The fixes keep what a go statement evaluates at once:
// its function value, a method value's receiver and its arguments are
// evaluated at the go statement, before the goroutine starts. So
//
//	go func() { ... }()  becomes  ctxvar.Spawn(func() { ... })
//	go work()            becomes  ctxvar.Spawn(work)
//	go s.run()           becomes  ctxvar.Spawn(s.run)
//
// (the method value evaluates s at once, as the go statement did), and a go
// statement with arguments binds them, except constants and functions, to
// fresh variables first:
//
//	go send(ch, msg, 3)
//
// becomes
//
//	{
//		a0, a1 := ch, msg
//		ctxvar.Spawn(func() { send(a0, a1, 3) })
//	}
//
// The import of github.com/ctxvar/ctxvar/ctxvar is added when the file lacks
// it; an existing import's name is used. No fix is offered when that name is
// shadowed or taken by something else, for a launcher argument whose type
// fits none of Bind, BindErr and BindArg, or for a go statement whose
// arguments cannot be bound without changing their types (a comparison
// passed to a parameter of a named boolean type, say).
//
// Suppressing a report. Where a goroutine is meant to start with an empty
// Context, say why in a directive on the line of the report or on the line
// before it:
//
//	//lint:ignore barego the pool's workers run for the process's lifetime, outside any request
//	go pool.run()
//
// A //lint:file-ignore barego directive, with a reason, suppresses the
// reports of a whole file. Generated files are not reported.
//
// Options. Two lists of functions and methods, each in the form
// importpath.Func, (*importpath.Type).Method or importpath.Type.Method,
// tell barego what it cannot see:
//
//   - launchers run their func arguments on another goroutine, as a worker
//     pool that receives functions on a channel does: the function
//     arguments of their calls that use the Context are reported;
//   - spawners run their func arguments in a copy of the caller's Context,
//     as ctxvar.Spawn and Bind do, by means of their own: their function
//     arguments are never reported, even when barego finds a spawner to be
//     a launcher, and a function that hands its func parameter to one is a
//     Spawn too.
//
// The ctxvarlint command takes them as comma-separated flags:
//
//	ctxvarlint -barego.launchers='example.com/pool.Submit,(*example.com/pool.Pool).Go' -barego.spawners=example.com/pool.Spawn ./...
//
// Setting a flag replaces the list it set before. A malformed entry, or a
// function listed both as a launcher and as a spawner, is an error that
// names it. The flags configure the Analyzer variable; programs that build
// their analyzers from Go, such as the golangci-lint plugin (settings
// barego.launchers and barego.spawners), get one configured by New with a
// Config instead. One run holds one barego analyzer: the analyzers share
// their fact types, and analysis drivers refuse two analyzers with the same
// fact type.
//
// The lists configure the unsetget analyzer too, which takes from barego
// which calls start goroutines, and in which Context: unsetget checks the
// function arguments of launchers as goroutines that start with an empty
// Context, and those of spawners as it checks ctxvar.Spawn's. It requires
// barego, which runs for it even where barego's own findings are turned
// off (ctxvarlint -barego=false).
//
// Facts. barego exports three facts about functions: Uses (the Vars a
// function may read before setting them, the runtime functions by which it
// carries the Context on, and the Vars it may set), Launcher (the func
// parameters it runs on another goroutine) and Binder (the func parameters
// it binds to its caller's Context). Its result, a *Starts, tells the
// analyzers that require barego which func parameters of the functions a
// package calls are launched and which spawned, by the same rules as
// barego's own checks.
package barego
