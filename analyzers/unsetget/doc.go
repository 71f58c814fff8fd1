// Package unsetget defines an Analyzer that reports calls of Get that can
// panic with a LookupError because their Var has no default and may not
// have been set.
//
// # Analyzer unsetget
//
// unsetget: report Get on a Var without a default that may not be set yet
//
// Get returns a Var's value in the current Context; if the Context has
// none, it returns the Var's default; if the Var was created without
// ctxvar.Default, it panics with a *ctxvar.LookupError. This is Python's
// "LookupError: <ContextVar name='x'> has no value in this context", which
// the asyncio context-variable libraries list as their most common error:
// the value was set somewhere, just not in the Context the code runs in.
//
// The analyzer reports a Get on a Var created without a default when a
// path exists from the start of a goroutine to the Get on which no Set of
// that Var happens first. Goroutines start at these entries:
//
//   - main and init: package initialization and main run on one goroutine,
//     so main (and TestMain) may see what package initialization set, and
//     the analyzer counts a Var as possibly set there if any init function
//     or package-level initializer, here or in an imported package, may set
//     it;
//   - tests, benchmarks and fuzz targets (TestX(*testing.T), BenchmarkX,
//     FuzzX): the testing package runs each on a goroutine of its own;
//   - a function started by a go statement, or passed to a launcher, a
//     function that runs it on another goroutine. These start with an
//     empty Context, whatever their parent had set.
//
// The analyzer takes the launchers from the barego analyzer, which it
// requires, so that the two agree: errgroup.Group.Go and TryGo,
// sync.WaitGroup.Go, time.AfterFunc, context.AfterFunc, testing.T.Run,
// testing.B.Run, testing.B.RunParallel, testing.F.Fuzz and
// runtime.AddCleanup; the launchers of barego's configuration (the
// ctxvarlint command's -barego.launchers flag, which configures unsetget
// too, also when barego's own findings are turned off with -barego=false);
// and the functions, in the package or in the packages it imports, that
// hand a func parameter to a go statement or to another launcher:
//
//	func Async(fn func()) { go fn() }
//
//	func handle(id string) {
//		defer requestID.Reset(requestID.Set(id))
//		Async(func() {
//			log.Print(requestID.Get()) // reported: Async runs it with an empty Context
//		})
//	}
//
// A function that is not an entry is never reported by itself. What it
// needs, a Get before any Set of a Var, is passed to its callers, across
// packages too, and reported at the call in the entry that reaches it
// without setting the Var first:
//
//	var requestID = ctxvar.New[string]("requestID")
//
//	func logf(format string, args ...any) {
//		log.Printf("[%s] "+format, append([]any{requestID.Get()}, args...)...)
//	}
//
//	func main() {
//		logf("starting") // reported: logf calls requestID.Get, unset on this path
//		defer requestID.Reset(requestID.Set("boot"))
//		logf("started") // fine
//	}
//
// A goroutine started with go does not inherit its parent's values:
//
//	func handle(id string) {
//		defer requestID.Reset(requestID.Set(id))
//		go func() {
//			log.Print(requestID.Get()) // reported: the goroutine starts with an empty Context
//		}()
//		ctxvar.Spawn(func() {
//			log.Print(requestID.Get()) // fine: Spawn copies the Context, where id is set
//		})
//	}
//
// The analysis follows each function's control-flow graph: a Set in only
// one branch of an if, in a loop body that may not run, or in a case of a
// switch without a default does not count; a Set on every path does,
// including `defer v.Reset(v.Set(x))`, `tok := v.Set(x)` and
// `_ = v.Set(x)`. A Reset undoes the Set of its token: after
// `tok := v.Set(x); v.Reset(tok)` the Var is as it was before the Set,
// possibly unset again, while `defer v.Reset(tok)` does not undo anything
// until the function returns. A call to a function that sets the Var on
// every path by which it returns counts as a Set. Paths that end in panic,
// os.Exit, log.Fatal, t.Fatal, runtime.Goexit and similar calls, or in a
// call of a function that never returns, do not lead anywhere, and neither
// does the branch a constant condition never takes (if debug { ... }).
// A branch on which a check shows the Var has a value counts as setting it:
//
//	if _, ok := requestID.Lookup(); !ok {
//		requestID.Set("none")
//	}
//	id := requestID.Get() // fine: set on one branch, found set on the other
//
// and so does v.GetOr(c) != c for a constant c.
//
// ctxvar.Spawn, ctxvar.Bind, ctxvar.BindErr and ctxvar.BindArg carry the
// caller's Context: the function they are given is checked against what is
// set at the call. So are the function arguments of the spawners that
// barego knows: those of its configuration (-barego.spawners), and the
// functions that hand a func parameter to Spawn, Bind, BindErr, BindArg or
// another spawner. (*ctxvar.Context).Run is checked only when the Context is
// a copy the function made itself with ctxvar.Copy and runs once; Gets in
// other Runs, whose Context the analyzer cannot see, are not reported.
// A function passed to any other function is not checked there: it may
// run anywhere, at any time.
//
// ctxvar.RunContext(ctx, fn) runs fn on the calling goroutine in a copy of
// the snapshot that ctx carries, as a Run of that snapshot would. fn is
// checked against what was set where the snapshot was taken when the
// function that calls RunContext takes it itself: ctx is a call of
// ctxvar.WithCurrent (or of ctxvar.NewContext with ctxvar.Copy()), or a
// local variable defined by one and never assigned again, which may be run
// any number of times, since a snapshot does not change:
//
//	go func() {
//		ctx := ctxvar.WithCurrent(context.Background())
//		defer requestID.Reset(requestID.Set("job"))
//		ctxvar.RunContext(ctx, func() {
//			log.Print(requestID.Get()) // reported: unset where WithCurrent took the snapshot
//		})
//	}()
//
// is fixed by taking the snapshot once the Var is set:
//
//	go func() {
//		defer requestID.Reset(requestID.Set("job"))
//		ctx := ctxvar.WithCurrent(context.Background())
//		ctxvar.RunContext(ctx, func() {
//			log.Print(requestID.Get()) // fine
//		})
//	}()
//
// The same holds for go ctxvar.RunContext(ctx, fn), whose ctx is evaluated
// before the new goroutine starts: fn runs there in the snapshot, as a
// Spawn'd function runs in a copy of the Context.
//
// A snapshot taken elsewhere (ctx a parameter, a field, a variable of an
// enclosing function, a context.Context derived from another with
// context.WithCancel and the like, NewContext of a Context the analysis
// cannot see) is unknown, and the Gets of fn are not reported, as those of
// a Run of an unknown Context are not. A function that hands its func
// parameter to RunContext is not a spawner: the function runs in the
// snapshot of the context.Context it is given, not in its caller's Context,
// and is not checked at the calls. Whatever fn sets stays in its copy of the
// snapshot: RunContext restores the goroutine's Context when fn returns.
//
// Logging through a ctxvarslog handler is never reported: the handler reads
// its Vars with ValueAny, which cannot panic, and leaves out of the record
// those that have no value (barego reports the goroutines that log without
// them). Handing a Var to ctxvarslog.Vars or ctxvarslog.Attr is not a use
// under another name (see below): the handler only reads it.
//
// # Fixes
//
// Which fix is right is a choice only the author can make, so the analyzer
// offers no automatic fix. Its message names the entry the path starts
// from and the options:
//
//   - give the Var a default, if there is a sensible one:
//     ctxvar.New("requestID", ctxvar.Default("none"));
//   - read it with GetOr(fallback) or Lookup() where it may be unset;
//   - Set it first on every path; for a goroutine, Set it in the goroutine,
//     or start the goroutine with ctxvar.Spawn (or wrap the function with
//     ctxvar.Bind) after the parent has set it.
//
// # When it stays silent
//
// The analyzer reports only what it can show; where it cannot be sure it
// says nothing:
//
//   - Vars that are not package-level variables initialized by a plain
//     ctxvar.New call (fields, parameters, Vars passed around, Vars
//     assigned after their declaration, Vars built with options that are
//     not direct ctxvar.Default calls);
//   - calls through interfaces and func values are not checked for Gets;
//     whatever might run behind them and Set counts as set after them (any
//     method of that name, in the package or the packages it imports; any
//     closure or function used as a value);
//   - a function literal or function value that is not called on the spot
//     (stored, or passed to a function other than a launcher or a spawner)
//     may be called at any time: whatever it may Set counts as set from
//     there on, and its Gets are not checked;
//   - a Var used other than as the receiver of a method call (passed to a
//     function, stored in a field or another variable) may be Set under
//     another name: it counts as set from there on, and so does every such
//     Var after a Set through a name the analyzer cannot identify (a Var
//     handed to ctxvar.ValueIn, ctxvarslog.Vars or ctxvarslog.Attr, which
//     only read it, is not);
//   - the function given to ctxvar.RunContext, when the snapshot its
//     context.Context carries was taken elsewhere;
//   - a function with a deferred call that may recover (a function literal
//     or function of the package that calls recover, or a function whose
//     name says it recovers) does not pass on or report the panics of its
//     own goroutine;
//   - Gets in deferred calls are checked only for defer statements that run
//     on every path, and not for a Var that a later deferred call changes.
//
// Package initialization order between packages that do not import each
// other is not modeled: an init function that relies on another package's
// init function having set a Var is reported.
//
// # Suppressing a report
//
// Put a directive with a reason on the line of the report or on the line
// before it, or one for the whole file:
//
//	//lint:ignore unsetget the caller always sets requestID; see Serve
//	id := requestID.Get()
//
//	//lint:file-ignore unsetget this file runs only inside Serve
//
// Generated files are not reported.
//
// # Facts
//
// The analyzer exports facts so that packages are checked with what their
// imports do: on a package-level Var initialized by ctxvar.New, whether it
// has a default; on a function, the Vars it requires (reads with Get before
// any Set), sets on every path, and may set, and whether it never returns;
// on a package, the Vars its initialization may set.
//
// # Configuration
//
// The analyzer has no flags of its own: the launchers and spawners it knows
// are those of the barego analyzer it requires. Analyzer requires
// barego.Analyzer, which its flags configure; when only unsetget runs
// (ctxvarlint -barego=false, or -unsetget), barego runs as its prerequisite
// and drivers do not show barego's findings. A program that configures
// barego with barego.New makes the matching unsetget with New, as the
// golangci-lint plugin does with its barego settings: one run holds one
// barego analyzer.
package unsetget
