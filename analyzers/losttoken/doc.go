// Package losttoken defines an Analyzer that reports tokens returned by
// (*ctxvar.Var).Set that are discarded or not used on every path to a
// return, so that the value the Set replaced is never restored.
//
// # Analyzer losttoken
//
// losttoken: report Set tokens that are discarded or not used on all paths
//
// Var.Set changes the value of a Var in the current Context and returns a
// token; Var.Reset(tok) restores the value from before that Set. A Set whose
// token is lost leaves its value in the Context after the code that needed it
// has finished: later code on the same goroutine, and every goroutine it
// starts with ctxvar.Spawn or every function it wraps with ctxvar.Bind, sees
// the stale value. This is the Python habit of calling var.set(x) without
// keeping the token for var.reset(token), which aiocontextvars 0.2 made
// necessary when it removed ContextVar.delete().
//
// The analyzer reports:
//
//   - a Set whose token is discarded: a Set called as a statement, assigned
//     to the blank identifier, or called by a defer or go statement;
//   - a token kept in a local variable when some path from the Set to a
//     return never refers to that variable. This is the rule of the
//     lostcancel analyzer for context.WithCancel: any reference counts as a
//     use (a Reset, a return, an assignment to a field or another variable,
//     an argument, a channel send, an append, a closure that mentions it).
//     The diagnostic is at the Set; its related information points at the
//     return statement that can be reached without the token. A path that
//     ends in a call that never returns (panic, os.Exit, runtime.Goexit,
//     log.Fatal, t.Fatal and the like, or a function of the same package
//     that never returns) is not a path to a return.
//
// Bad:
//
//	func handle(id string) error {
//		requestID.Set(id) // the caller's requestID is never restored
//		return process()
//	}
//
//	func handleAll(id string) error {
//		tok := requestID.Set(id)
//		if id == "" {
//			return errEmpty // reached without resetting
//		}
//		defer requestID.Reset(tok)
//		return process()
//	}
//
// Good:
//
//	func handle(id string) error {
//		defer requestID.Reset(requestID.Set(id))
//		return process()
//	}
//
// For a Set called as a statement outside any loop of its function, the
// analyzer suggests the fix
//
//	defer requestID.Reset(requestID.Set(id))
//
// which restores the previous value when the function returns. No fix is
// offered inside a for or range loop, where deferred Resets would pile up
// until the function returns (reset the token before the iteration ends
// instead), in a function that uses goto, where the Set is not a statement
// on its own, or where the Var is not a plain variable or field that can be
// written twice.
//
// Setting without resetting is how a Context is built when the Context ends
// with the function, so the analyzer is silent about Sets in:
//
//   - main.main and init functions, which set up the program's Context;
//   - test functions in _test.go files (TestXxx, BenchmarkXxx, FuzzXxx,
//     ExampleXxx and TestMain) and function literals passed to
//     (*testing.T).Run, (*testing.B).Run and (*testing.F).Fuzz: each runs on
//     a goroutine of its own;
//   - function literals passed directly to ctxvar.Spawn, ctxvar.Bind,
//     ctxvar.BindErr, ctxvar.BindArg, (*ctxvar.Context).Run,
//     ctxvar.RunContext or ctxvarhttp.Hook, which run them in a Context of
//     their own: a Spawned goroutine's state is released when it returns, a
//     Bound function, like RunContext's, runs in a fresh copy that is
//     dropped when it returns, a Hook runs in the request's Context, which
//     ends with the request, and a Set inside Run is meant to persist in
//     that Context.
//
// A function literal started with a bare go statement is checked like any
// other function: its goroutine's state is not released when it exits, but
// only later, by the runtime's sweeper. A literal stored in a variable and
// passed to Spawn or Bind later is checked too, as the analyzer cannot tell
// where it will run.
//
// The analyzer is also silent where it cannot see the token: a Set called
// through a method value (set := v.Set; set(x)) or a func value, a token
// variable declared outside the function, a token variable whose address is
// taken, or one that a closure mentions before the Set or inside a loop
// (the closure may reset it at any time).
//
// To keep a deliberate Set without Reset, suppress the diagnostic with a
// directive and a reason, on its line or the line above it:
//
//	//lint:ignore losttoken the worker owns this goroutine's Context
//	requestID.Set(id)
//
// or for a whole file:
//
//	//lint:file-ignore losttoken this file builds Contexts for workers
//
// Generated files are not checked. The analyzer has no flags.
package losttoken
