// Package localvar defines an Analyzer that reports calls of ctxvar.New
// that make a new Var each time they run: in a function body or a loop,
// rather than once, in a package-level variable's initializer.
//
// # Analyzer localvar
//
// localvar: report ctxvar.New called where each call makes a new Var
//
// A Var is identified by its address, not by its name: every call of
// ctxvar.New makes a Var of its own, and a value set on one Var is
// invisible through every other, whatever their names. A Var made inside
// a function is a new one at each call of the function, so a value set
// through it in one call is not seen through the Var the next call makes,
// nor by code that makes the "same" Var elsewhere: such code silently reads
// defaults, or panics with a LookupError. This is the habit, from Python's
// contextvars, of creating a ContextVar where it is needed; Python warns
// that ContextVars must be created at the top level of a module, never in
// closures, and ctxvar's documentation says the same: create Vars once, at
// package level.
//
// The analyzer reports a call of ctxvar.New, and a call of a function that
// returns the Var a ctxvar.New call in it makes (a factory, see Facts),
// when the Var it makes stays in the call of the function that makes it:
// when every use of the Var calls one of its methods (v.Set, v.Get, ...)
// or passes it to ctxvar.ValueIn, in the function or in a literal the
// function calls in place, defers, starts with go or ctxvar.Spawn, or
// hands to Run or RunContext. For example:
//
//	func handle(t string) {
//		tenant := ctxvar.New[string]("tenant")
//		defer tenant.Reset(tenant.Set(t))
//		process() // process's own ctxvar.New[string]("tenant") sees nothing
//	}
//
// is reported as
//
//	ctxvar.New inside handle makes a new Var at each call: values set on it are invisible through the next one; declare it once at package level: var tenant = ctxvar.New[string]("tenant")
//
// and fixed by declaring the Var once, at package level, where every
// function that uses it finds the same Var:
//
//	var tenant = ctxvar.New[string]("tenant")
//
//	func handle(t string) {
//		defer tenant.Reset(tenant.Set(t))
//		process()
//	}
//
// A ctxvar.New call in a loop is reported as making a new Var at each
// iteration. A Var made once is fine:
//
//   - in a package-level variable's initializer, including in a loop or a
//     function literal called in place there;
//   - in an init function, and in main.main outside its loops;
//   - in a function literal handed to sync.OnceFunc, sync.OnceValue,
//     sync.OnceValues or (*sync.Once).Do;
//   - in a test function's own body (TestXxx, BenchmarkXxx, FuzzXxx,
//     ExampleXxx, TestMain in a _test.go file) outside its loops: a Var
//     made once per test and used there. One made in a loop, in a subtest's
//     literal or in a helper function is reported as in any other code.
//
// Factories. A function that returns the Var a ctxvar.New call in it makes,
// directly or through a local variable, a literal it calls in place or
// another factory, is a factory: the call of ctxvar.New in it is not
// reported, and its calls are checked as calls of ctxvar.New are. So
//
//	func newVar(name string) *ctxvar.Var[string] { return ctxvar.New[string](name) }
//
//	var requestID = newVar("request_id") // fine: made once
//
//	func currentID() string {
//		return newVar("request_id").GetOr("") // reported: a new Var at each call, which holds nothing
//	}
//
// Suggested fix. Where the Var is a local variable declared by v :=
// ctxvar.New(...) or var v = ctxvar.New(...) on a line of its own in a
// function declaration, never assigned again, whose arguments are
// constants (ctxvar.Default and ctxvar.Redacted of constants included) and
// whose type arguments are package-level types, the analyzer offers to
// move the declaration to package level, just before the function, with
// its trailing comment: the function then uses the one Var. It offers no
// fix when the name is declared at package level or in a scope that
// encloses the declaration, is imported by a file of the package
// (its _test.go files and the files of other build configurations
// included) or is predeclared, or when another fix in the package would
// declare the same name. Moving a declaration out of a loop or a function
// changes what the code does, on purpose: that is the fix.
//
// Precision comes first, so the analyzer is silent where the Var may be
// kept and reused, which is how caches and per-instance Vars work:
//
//   - a Var assigned to a package-level variable (lazy initialization, a
//     reset for tests), to a field, a map or slice element, or an
//     enclosing function's variable;
//   - a Var passed to a function other than ctxvar.ValueIn, put in a
//     composite literal, appended, sent on a channel, or whose address is
//     taken;
//   - a Var a function literal mentions when the analyzer cannot tell
//     when the literal runs: one returned, stored, bound with ctxvar.Bind
//     or handed to an unknown function, such as a handler a middleware
//     returns;
//   - a Var returned by a function literal that is not called in place
//     (var makeVar = func() *ctxvar.Var[T] { ... }), or by a call through
//     a func value or an interface method;
//   - ctxvar.New(""), which panics instead of making a Var;
//   - the runtime package itself and its external tests, whose Vars are
//     the subject of the tests.
//
// Facts. The analyzer exports one fact, NewVar, on an exported function
// or method that is a factory, so that calls of it from other packages
// are checked as calls of ctxvar.New are.
//
// To keep a deliberate local Var, suppress the finding with a directive and
// a reason, on its line or the line above it:
//
//	//lint:ignore localvar each benchmark iteration needs a Var of its own
//	v := ctxvar.New[int]("bench")
//
// or for a whole file with //lint:file-ignore localvar and a reason.
// Generated files are not checked. The analyzer has no flags.
package localvar
