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
// function reads a context variable (Get, GetOr, Lookup, ValueAny), logs
// through log/slog where a ctxvarslog handler adds Vars to the records (see
// Logging below), or carries the Context on (ctxvar.Copy, WithCurrent,
// Spawn, Bind, BindErr, BindArg), directly or through the functions it
// calls, in any package.
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
// calls are fine. So are the calls of a function that hands its func
// parameter to ctxvar.RunContext, which runs it in the snapshot of a
// context.Context (see below), also on a goroutine of its own:
//
//	func AsyncIn(ctx context.Context, fn func()) {
//		go func() { ctxvar.RunContext(ctx, fn) }()
//	}
//
// What counts as using the Context. barego reports only the Vars that a
// function may read, on some path, before a Set of that Var on that path:
// a function that sets a Var on every path before reading it builds its own
// Context for that Var. When unsure, barego stays silent: a call counts as a
// Set of every Var the callee may set; a call it cannot resolve (of a func
// value, or of an interface method declared outside the standard library)
// counts as a Set of every Var; and a deferred call counts as running after
// every Set of its function. A function that carries the Context on (Copy,
// WithCurrent, Spawn, Bind, BindErr, BindArg) uses it, unless it surely set
// some Var first or hands it to a function that barego can resolve and that
// does not use it.
//
// barego follows static calls of functions and methods, in the package and,
// through facts, in the packages it imports; recursion is fine. It follows
// calls of local variables that hold functions, and of the fields and
// elements of local literals, as far as it can tell what they hold (see
// Functions in variables). It does not follow calls through interfaces,
// nor of func values it cannot tell (parameters, package-level variables,
// results of calls, map elements), nor function literals that are not
// called where they are written: a literal handed to c.Run runs in c, not
// in the goroutine's Context, and one handed to ctxvar.RunContext in the
// snapshot of its context.Context. A goroutine whose function enters a
// Context itself, such as go c.Run(fn) with c a *ctxvar.Context, carries a
// snapshot and is not reported. Vars are identified when they are
// package-level variables or fields of package-level struct types, also
// where the code passes them to a function that reads them (see Vars
// passed as arguments); reads of other Vars (a local variable holding a
// Var, a Var returned by a call) are not reported. A field is named as the
// code reads it: Config.Region when read through the package-level
// variable Config, Settings.Region, by its type, when read through another
// value. Test files are checked too.
//
// Functions in variables. Code seldom starts the function it writes in
// place: it stores it first, in a local variable, or in a struct or slice
// literal, and starts it, or hands it to a launcher, later:
//
//	work := func() { log.Print(requestID.Get()) }
//	go work()                         // reported
//	time.AfterFunc(time.Second, work) // reported: wrap work with ctxvar.Bind
//	h := handlers{start: s.run}
//	go h.start()                      // reported when s.run reads Vars
//	for _, task := range []func(){setup, serve} {
//		go task()                     // reported when setup and serve read Vars
//	}
//
// barego starts what the variable may hold where the goroutine starts: the
// values of the assignments that may reach the go statement (or the call)
// through the function's control flow, or all of its assignments when a
// function literal reads it, as that runs later. It reports only when each
// of those functions uses the Context, and names the reads of the first:
// a variable that may hold a function that does not, or nil, is silent.
// So is one it cannot tell: a parameter, a variable whose address is
// taken, one assigned in a function literal (which may run at any time),
// or one assigned anything it cannot tell in turn (a call's result, a
// parameter, a map element, a channel receive, one of a call's several
// results). A field or element counts when the variable holds a struct,
// slice or array literal (or the address of a struct literal) that nothing
// changes afterwards: it is assigned nowhere else, has no field or element
// assigned, no address taken, no method called, no slice taken, and, for
// a pointer or a slice, which other code could share, it is used only to
// read a field or element, to range over, or in len or cap. The same
// holds for calls of such variables in the functions barego summarizes: a
// call of one counts as a call of each function it may hold, for the Vars
// they may set, and reads what the first reads when each of them uses the
// Context. The fix starts the variable itself, ctxvar.Spawn(work), or
// wraps it, ctxvar.Bind(work).
//
// Vars passed as arguments. A function that reads or sets a Var that a
// parameter holds, a *ctxvar.Var[T], or a struct (or pointer to one) whose
// fields hold Vars, generic or not, is summarized as reading or setting
// its parameter; each call reads or sets the Var its argument names:
//
//	func logWith(v *ctxvar.Var[string]) { log.Print(v.Get()) }
//
//	go logWith(traceVar) // reported: traceVar.Get sees none of the caller's values
//	time.AfterFunc(time.Second, func() { total(metricVar) }) // reported when total reads its parameter
//	go regionOf(&Config) // reported: Config.Region.Get, as the argument names it
//
// The argument names a Var as barego names Vars read directly: a
// package-level variable, or a field of one, or of a package-level struct
// type, and a receiver counts as a parameter. A function that passes its
// parameter on reads it in turn, across packages through facts; a Set of a
// parameter counts as a Set of the argument's Var at each call, and as a
// Set of every Var where the argument names none. An argument that names
// no Var (a local variable, a call's result) binds nothing, but a read
// through a parameter's field still reads that field's Var, named by its
// type (Settings.Region) as before. A parameter that its function
// assigns, in whole or in part, or takes the address of, no longer holds
// the caller's argument: its reads are named as before, or not at all.
//
// Other spellings of the API. A method expression called as a function,
// (*ctxvar.Var[string]).Get(requestID), reads its first argument; a method
// value stored and called later, get := requestID.Get, then get(), reads
// the Var it was taken from; and a method of a type parameter or an
// interface parameter called on a parameter,
//
//	func read[V interface{ Get() string }](v V) string { return v.Get() }
//
//	go read(requestID) // reported: requestID.Get sees none of the caller's values
//
// reads the Var its argument names where that argument is statically a
// *ctxvar.Var[T], whose method of that name is one of the reading methods;
// the call through the constraint counts as a call of unknown code
// otherwise, which may set any Var. What stays unseen: calls through an
// interface value (a *ctxvar.Var[T] stored in a variable or field of an
// interface type, or passed as one), and a Var held in a local variable;
// a type argument that is not a *ctxvar.Var[T] where the call is written
// (a type parameter of the caller, whose own callers are then followed in
// turn); method values of Vars that barego cannot name; and reflection.
//
// Goroutines that serve a stream of work. A goroutine that runs a loop
// over its jobs, as a pool's worker does, outlives any one unit of work:
// starting it with Spawn would copy the values of whoever started it, a
// constructor's caller, into every job it ever runs. barego tells such a
// goroutine by the function it starts: one with, in its own body (not in
// the function literals in it, nor in the functions it calls), a range
// over a channel, or a for statement without a condition that receives
// from a channel (in a receive expression or a select statement), where
// the channel carries functions (jobs), or is held in a field or a
// package-level variable (a pool's or a server's, a ticker's C). A go
// statement or launcher that starts such a function, directly or through
// a variable that holds only it, and that uses the Context, is reported
// with other advice, and without a fix:
//
//	func New(n int) *Pool {
//		p := &Pool{jobs: make(chan func())}
//		for range n {
//			go p.work() // work logs, then runs the jobs it receives
//		}
//		return p
//	}
//
//	goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; the goroutine started by New runs p.work, a loop that outlives one unit of work; bind each job to its submitter's Context at submission with ctxvar.Bind(job) instead
//
// The advice names ctxvar.Bind, BindErr or BindArg when the loop receives
// functions that one of them fits; for other jobs it says to capture the
// Context where each is submitted, with ctxvar.Copy, and to run the job
// inside its Run. A loop with a condition (for i := 0; i < n; i++), over a
// slice, or over a local channel or a parameter that carries no functions
// (a consumer of the caller's own fan-out) is one unit of work, and gets
// the usual advice and fix. The Uses fact of a function tells its
// importers whether it is such a loop.
//
// The context.Context bridge. ctxvar.WithCurrent stores a snapshot of the
// goroutine's current Context in a context.Context, as Copy takes one: a
// goroutine started with go that calls it snapshots an empty Context, and is
// reported as one that calls Copy is:
//
//	go func() {
//		ctx := ctxvar.WithCurrent(ctx) // an empty snapshot
//		ctxvar.RunContext(ctx, cleanup)
//	}()
//
//	goroutine started with go runs with an empty Context: ctxvar.WithCurrent passes on an empty Context; start it with ctxvar.Spawn
//
// Take the snapshot where the values are set, and enter it at the other end
// with ctxvar.RunContext, which runs its function in the snapshot, not in
// the Context of the goroutine that calls it, as c.Run runs its function in
// c: a goroutine or a launcher's function that does its work inside
// RunContext is not reported.
//
//	ctx = ctxvar.WithCurrent(ctx)
//	context.AfterFunc(ctx, func() {
//		ctxvar.RunContext(ctx, cleanup) // fine: cleanup sees the values set before WithCurrent
//	})
//	go func() {
//		ctxvar.RunContext(ctx, func() { use(requestID.Get()) }) // fine
//	}()
//
// barego does not check what the context.Context carries: a snapshot taken
// in an empty Context, or none at all, is the business of the code that
// made it. ctxvar.NewContext, which stores a snapshot of the Context it is
// given, and ctxvar.FromContext read no goroutine's Context.
//
// Logging. A ctxvarslog handler (package
// github.com/ctxvar/ctxvar/ctxvar/ctxvarslog) adds to every log record the
// values its Vars have in the Context of the goroutine that logs: a
// goroutine that starts with an empty Context logs without them. Where the
// package, or a package it imports, directly or not, builds a handler with
// ctxvarslog.NewHandler whose options name Vars, a call of log/slog that
// logs (slog.Debug, Info, Warn, Error, Log and LogAttrs, their Context
// variants, and the methods of *slog.Logger of those names) reads those
// Vars, as GetOr would:
//
//	var logger = slog.New(ctxvarslog.NewHandler(slog.NewJSONHandler(os.Stdout, nil),
//		ctxvarslog.Vars(requestID, user)))
//
//	func handle(id string) {
//		defer requestID.Reset(requestID.Set(id))
//		go func() {
//			logger.Info("audit") // logged without requestID and user
//		}()
//	}
//
// is reported as
//
//	goroutine started with go runs with an empty Context: slog.(*Logger).Info logs without requestID and user, which the ctxvarslog handler adds from the Context; start it with ctxvar.Spawn
//
// and fixed as any other goroutine that reads Vars:
//
//	ctxvar.Spawn(func() {
//		logger.Info("audit") // logged with the caller's requestID and user
//	})
//
// A Var the goroutine surely set before the call is not missing. The Vars
// of a handler are those that its options, written as arguments of
// NewHandler, name with ctxvarslog.Vars and ctxvarslog.Attr, where barego
// can identify them as it identifies the Vars read; an option held in a
// variable or passed with ..., and a Var held as a ctxvar.AnyVar, add none,
// and a handler that names none does not count.
//
// barego cannot follow where a handler goes (slog.SetDefault, a logger
// passed around), so it takes every handler built to be installed, and
// every call of log/slog, through any logger, to reach it. Where a program
// builds several handlers, a call reads the Vars that all of them add. A
// handler built but never installed, or a logger that goes to another
// handler, can thus make a report; say so in a directive:
//
//	//lint:ignore barego the metrics logger has no ctxvarslog handler
//	go metrics.Info("tick")
//
// Where no package in the import graph builds a handler, calls of log/slog
// read nothing: a library cannot know how its logger is set up. A function
// is summarized with what its own package sees: a function of a library
// that sees no handler reads nothing by logging, also where a program that
// builds one calls it, and a caller that sees more handlers than the
// function's package keeps of its log calls only the Vars all of them add.
//
// Suggested fixes. The fixes keep what a go statement evaluates at once:
// its function value, a method value's receiver and its arguments are
// evaluated at the go statement, before the goroutine starts. They leave
// an operand in place where evaluating it in the new goroutine gives what
// the go statement gives, so that the fix reads as hand-written code:
//
//	go func() { ... }()        becomes  ctxvar.Spawn(func() { ... })
//	go work()                  becomes  ctxvar.Spawn(work)
//	go s.run()                 becomes  ctxvar.Spawn(s.run)
//	go s.notify(o)             becomes  ctxvar.Spawn(func() { s.notify(o) })
//	go func(i int) { ... }(i)  becomes  ctxvar.Spawn(func() { ... })
//
// An operand stays in place when it is a constant, a function, the address
// of a variable, a local variable or parameter that nothing may change
// after the go statement, an unexported package-level variable that the
// package never assigns, a field of such a struct variable reached through
// no pointer, or a composite literal of those. A local variable may not
// change when no assignment to it, or to its fields or array elements,
// follows the go statement in the source or comes in a function literal;
// no assignment before it is in a loop around the go statement of which it
// is not a variable of its own for each iteration (one declared in the
// loop's body, or, from Go 1.22 on, in its header); its address is never
// taken (by &, a method with a pointer receiver, or slicing an array); it
// is not a named result; and, where the go statement is in a function
// literal that captures it or in a function with a goto, it is assigned
// nowhere but in its declaration. A method value's receiver stays in
// place when it is such a variable and no pointer is followed to reach or
// copy the receiver, or when the method takes the variable's address.
//
// Other operands, such as a call, an index expression, a variable assigned
// later in a loop, or an exported package-level variable, are bound first
// to fresh variables named after the parameters they are passed to (a
// method value, to f):
//
//	go s.notify(current())
//
// becomes
//
//	o := current()
//	ctxvar.Spawn(func() { s.notify(o) })
//
// in a block of their own where the go statement is labeled, or its
// function has a goto statement that could jump over them; the comment at
// the end of the go statement's line stays on the Spawn's.
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
// function may read before setting them, its calls of log/slog among them,
// the runtime functions by which it carries the Context on, the Vars it
// may set, the same of the Vars its parameters hold, and whether it serves
// a stream of work), Launcher (the func parameters it runs on another goroutine) and
// Binder (the func parameters it binds to its caller's Context); and one
// about packages, SlogHandler (the Vars that the ctxvarslog handlers the
// package builds or sees through its imports' facts add to log records,
// which it passes on to its importers). Its result, a *Starts, tells the
// analyzers that require barego which func parameters of the functions a
// package calls are launched and which spawned, by the same rules as
// barego's own checks.
package barego
