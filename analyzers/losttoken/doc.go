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
//     an argument, a channel send, an append, a closure that mentions it,
//     even _ = tok, as lostcancel counts _ = cancel: the analyzer reports
//     what surely loses the token, not what merely looks careless).
//     The diagnostic is at the Set; its related information points at the
//     return statement that can be reached without the token. A path that
//     ends in a call that never returns (panic, os.Exit, runtime.Goexit,
//     log.Fatal, t.Fatal and the like, or a function of the same package
//     that never returns) is not a path to a return.
//
// A Set is a call of (*ctxvar.Var).Set written as a method call
// (requestID.Set(id)), as a method expression
// ((*ctxvar.Var[string]).Set(requestID, id)), or through a method value or
// method expression of Set kept in a local variable that is defined once
// and otherwise only called (set := requestID.Set; set(id)): its messages
// name the variable and the Var ("the token returned by set
// (requestID.Set)").
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
// written twice. For a Set through a method value, whose receiver was
// evaluated where the method value was made, the fix
// (defer requestID.Reset(set(id))) is offered only when that receiver is a
// package-level Var or a field of one.
//
// A function that makes a Set and hands its caller what undoes it is
// treated like Set at its callers: a token helper returns the token,
//
//	func enterTenant(t string) *ctxvar.Token[string] {
//		return tenant.Set(t)
//	}
//
// and a restore helper returns a func() that resets it:
//
//	func enter(t string) (exit func()) {
//		tok := tenant.Set(t)
//		return func() { tenant.Reset(tok) }
//	}
//
// Its result discarded, or kept in a local variable that some path to a
// return never uses, is reported at the caller, with the helper and the
// Var:
//
//	func handle(t string) error {
//		enterTenant(t) // the token returned by enterTenant (tenant.Set) is discarded
//		enter(t)       // the restore function returned by enter (which resets tenant) is discarded
//		defer enter(t) // enter runs only when handle returns, and its restore function is dropped
//		return process()
//	}
//
// Good:
//
//	func handle(t string) error {
//		defer tenant.Reset(enterTenant(t))
//		defer enter(t)()
//		return process()
//	}
//
// For a helper's result discarded by a statement of its own, outside loops
// and in a function without goto, the analyzer suggests those fixes: defer
// tenant.Reset(enterTenant(t)) when the code at the call can name the Var
// (not when it is unexported in another package, in a package the file
// does not import, or hidden by a local name), and defer enter(t)() for a
// restore helper, also in the place of defer enter(t).
//
// A function or method is a token helper when every return statement
// returns, at the index of a result of type *ctxvar.Token[T],
//
//   - a call of Set, or of a token helper with that one result;
//   - or a local variable (a named result, for a bare return) whose every
//     assignment assigns such a call, that nothing else refers to, and that
//     is assigned on every path to a return that can return it;
//
// and a restore helper when every return statement returns, at the index
// of a result of type func(),
//
//   - a function literal that calls Reset with a token variable of the
//     helper as above, which nothing but such literals refers to;
//   - a call of a restore helper with that one result;
//   - or a local variable whose every assignment assigns such a literal or
//     call, and that nothing else refers to.
//
// A return of a call with the same results (return startSpan(name))
// qualifies where that function is a helper of the same result. A helper may
// have other results, such as func startSpan(name string) (*Span, func()),
// whose callers must keep that one result (span, end := startSpan(name));
// a variable that leaves through two results (return tok, tok) or both
// through a result and a restore function qualifies neither. A function
// with no return statement, a recursive one, and one that may return nil,
// a parameter, a field, or a token that it also resets, defers, stores,
// passes or captures elsewhere is no helper: its callers are not checked
// (its own Sets are, as usual). Panics are not returns.
//
// The Var that messages and fixes name is the one every return of the
// helper sets: a package-level Var or a field of one (tenant,
// Config.Region), a parameter of the helper that its body never assigns, or
// its receiver, followed by fields (s.v). A parameter's Var is the argument
// of the call (setVar(tenant, t) sets tenant), the receiver's the
// receiver of the call (sc.enter(t) sets sc.v). Where the returns set
// different Vars, or a Var that is no such reference, the message says "a
// Set it makes" and suggests keeping the token and deferring
// tok.Var().Reset(tok); no fix is offered. Helpers are recorded as facts
// on the functions (losttoken.Helper), so that callers in other packages
// are checked too.
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
//     that Context;
//   - function literals passed to a spawner, a function or method (of any
//     package) that runs a function parameter only in a Context of its own:
//     it passes the parameter to one of those functions, to a subtest's Run
//     or to another spawner, or calls it only inside a literal that it
//     passes to one of them (not with a go statement), and never assigns
//     it, as in func Go(fn func()) { ctxvar.Spawn(fn) }; spawners are
//     recorded as facts (losttoken.Spawner);
//   - function literals stored in a local variable (f := func() {...} or
//     var f = func() {...}) that is otherwise only passed, as an argument,
//     to those functions, to a spawner or to a subtest's Run: they run
//     there too.
//
// These rules hold for the calls of helpers as for Sets. A function literal
// started with a bare go statement is checked like any other function: its
// goroutine's state is not released when it exits, but only later, by the
// runtime's sweeper. A literal stored in a local variable that is also
// called, passed elsewhere, returned, reassigned or wrapped in parentheses,
// one assigned to a variable declared before it, and one stored in a
// package-level variable are checked, as the analyzer cannot tell where
// they will run.
//
// The analyzer is also silent where it cannot see the token: a Set or a
// helper called through a func value (a parameter, a field, an interface
// method, a method value of a helper, a function literal kept in a
// variable, a method value of Set kept in a package-level variable or in a
// local that is reassigned, has its address taken or is used other than by
// calling it), a Set through a type parameter's method, a helper whose
// body does not qualify as above, a token variable declared outside the
// function, a token variable whose address is taken, or one that a closure
// mentions before the Set or inside a loop (the closure may reset it at
// any time). A token kept in a field, a slice, a map or a struct, or
// passed to a function, counts as used even if nothing resets it there.
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
