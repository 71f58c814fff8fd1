// Package tokenmisuse defines an Analyzer that reports calls of
// (*ctxvar.Var).Reset that panic or leak on some path: a token reset twice,
// a token of another Var, a token reset in another Context than its Set's,
// and Resets of one Var out of order.
//
// # Analyzer tokenmisuse
//
// tokenmisuse: report Resets that panic or leak on some path
//
// Var.Set returns a token, and Var.Reset(tok) restores the value the Var had
// before that Set. Reset checks the token, in this order, and panics on
// misuse: a token restores once (ErrTokenUsed), with the Var that made it
// (ErrTokenVar), in the Context of its Set (ErrTokenContext). These are
// Python's RuntimeError and ValueErrors of ContextVar.reset, which Python
// raises only when the bad reset runs; tokenmisuse finds them before. Reset
// also accepts tokens in any order, each restoring its own Set's old value:
// a Reset of an earlier token of a Var while a later one is still live
// restores the Var, and the later token's Reset then puts back the value
// the earlier Set gave it, which stays in the Context after the code that
// set it has returned. That is how a middleware that reset its tokens out
// of order leaked an admin user into its goroutine's next request.
//
// The analyzer follows each function's tokens along the paths of its
// control-flow graph and reports, on the Reset, when some path
//
//   - resets a token that it has already reset: explicitly twice, or once
//     explicitly and once by a deferred Reset (reported at the defer
//     statement, whose Reset runs last), or through a function that resets
//     the token passed to it;
//   - resets a token with another Var than the one that made it:
//     a.Reset(b.Set(x)), or tok := b.Set(x) reset by a.Reset(tok), where a
//     and b are two Vars that ctxvar.New calls created;
//   - resets a token in another Context than its Set's: inside a function
//     literal started by a go statement, ctxvar.Spawn or a launcher
//     (errgroup.(*Group).Go, time.AfterFunc, t.Run and the others barego
//     knows), or wrapped by ctxvar.Bind, BindErr or BindArg, when the token
//     was set outside it; inside c.Run or ctxvar.RunContext when it was set
//     outside, or outside when it was set inside;
//   - resets an earlier token of a Var while a later token of the same Var
//     is live, and resets the later token afterwards;
//   - defers the Reset of a token variable that is still nil at the defer
//     statement, which evaluates the argument at once: var tok followed by
//     defer v.Reset(tok) and only then tok = v.Set(x) (ErrNilToken; only
//     where no condition the analyzer does not follow guards the defer).
//
// For example:
//
//	var user = ctxvar.New[string]("user")
//
//	func authenticate(next func()) {
//		system := user.Set("admin") // look the caller up as the system user
//		caller := user.Set(lookup())
//		next()
//		user.Reset(system)
//		user.Reset(caller) // user is "admin" again, for whatever runs next
//	}
//
// is reported as
//
//	user.Reset(system) restores user out of order: on some path caller, a later token of user (from user.Set on line 3), is still live, and its Reset on line 6 then sets user back to "admin", the value of user.Set on line 2, instead of the value from before both Sets, which leaks to the code that runs next in this Context; reset tokens in the reverse order of their Sets: user.Reset(caller) before user.Reset(system)
//
// and fixed by resetting in the reverse order of the Sets, as the
// suggested fix does by swapping the two Resets, or better by deferring
// each Reset right after its Set, since a function's deferred calls run in
// reverse order:
//
//	func authenticate(next func()) {
//		system := user.Set("admin")
//		defer user.Reset(system)
//		caller := user.Set(lookup())
//		defer user.Reset(caller)
//		next()
//	}
//
// Likewise
//
//	tok := requestID.Set(id)
//	defer requestID.Reset(tok)
//	if err := check(); err != nil {
//		requestID.Reset(tok)
//		return err
//	}
//
// is reported at the defer statement, whose Reset panics with ErrTokenUsed
// when the function returns after the explicit one, and
//
//	tok := requestID.Set(id)
//	go func() {
//		defer requestID.Reset(tok) // panics with ErrTokenContext
//		work()
//	}()
//
// at the Reset in the goroutine, which runs in another Context than the
// Set's.
//
// Each message names the Var, the token and where it was made, which panic
// the Reset raises or which value leaks, and the fix. A Reset reported as
// panicking ends its path: what follows it on that path is not checked.
//
// Suggested fix. When the out-of-order Reset and the later token's Reset
// are two statements one right after the other, of tokens held in
// variables assigned once by Sets earlier in the same block, in order, the
// analyzer offers to swap them. It offers no other fix: which of two
// Resets of one token to drop, or which Var a token was meant for, is the
// author's call.
//
// What the analyzer follows. Tokens made by Set (and by functions that
// return one, see Facts) and held in local variables, copied between
// them, and passed to Reset and to functions that reset them; the
// Contexts of function literals called in place, deferred, handed to Run
// or RunContext, started on another goroutine or bound. A path is a path
// of the control-flow graph on which each condition may go either way,
// except that the analyzer remembers what the path has learned of local
// booleans and of local variables tested against nil (so a Reset guarded
// by if !done, after done = true, is not reached), and that recover
// returns nil, as no followed path is panicking. A path that ends in a
// call that never returns (panic, os.Exit, log.Fatal, t.Fatal and the
// like, or a function of the same package that never returns) ends there;
// the deferred calls of a function run, last first, at each of its
// returns.
//
// The Vars are told apart only when that is certain: two package-level
// variables, each initialized by its own ctxvar.New call and never
// assigned (in another package, as a FreshVar fact tells), or local
// variables each declared with a ctxvar.New call, are different Vars; a
// package-level Var of that kind, or a local variable or parameter
// assigned only by its declaration, is the same Var at each use. Contexts
// are told apart only when that is certain too: the Context a function
// runs in is never the one a Run in it enters, nor that of a goroutine or
// bound function it starts; two Runs differ when one of them runs a
// Context made for it (ctxvar.Copy().Run, new(ctxvar.Context).Run,
// RunContext).
//
// Precision comes first, so the analyzer is silent where it cannot be sure:
//
//   - a token that escapes: passed to a function that is not known to
//     reset it, returned, stored in a field, a slice, a map or a package
//     variable, sent on a channel, held in a variable whose address is
//     taken or that a function literal mentions where the analyzer cannot
//     tell when the literal runs (one stored in a variable or passed to an
//     unknown function, such as t.Cleanup or a helper that expects a
//     panic), or that a goroutine or bound literal does anything with but
//     reset it, test it against nil, or call its Var or OldValue method;
//   - a Reset of a Var that is not one of the kinds above (a parameter
//     against a package-level Var, two fields, a Var returned by a call):
//     no ErrTokenVar and no out-of-order finding;
//   - two Resets of one token, or an out-of-order pair, under two
//     different if or switch statements that test the same condition
//     (other than the local booleans and nil tests the analyzer follows):
//     the path that reaches both may be one no run takes;
//   - the same Reset reached again through a loop, unless it stands
//     directly in the loop's body with no break, continue, return or goto
//     before it;
//   - deferred calls in loops, functions that use goto, and functions
//     whose paths are too many to follow;
//   - in a _test.go file, the panics in a function that defers a literal
//     calling recover, and in the literals it calls in place: the test
//     expects them;
//   - the runtime package itself and its external tests, which misuse
//     tokens on purpose.
//
// Facts. The analyzer exports three facts: FreshVar, on an exported
// package-level Var that its own ctxvar.New call creates and that its
// package never assigns; Resets, on an exported function that resets the
// tokens passed as some of its parameters, once, on every path to a
// return, in its caller's Context (with the Var it resets them with, when
// that is a fresh package-level Var); and MakesToken, on an exported
// function that returns, as one of its results, a live token of a Set it
// made in its caller's Context. Calls of such functions, in the package and
// in the packages that import it, reset and make tokens as Reset and Set
// do.
//
// The analyzer requires barego, which tells it which calls run their
// function arguments on another goroutine or in a copy of the Context: the
// launchers and spawners barego knows, those of its configuration
// (ctxvarlint's -barego.launchers and -barego.spawners flags), and the
// functions its Launcher and Binder facts describe. A driver that builds a
// barego analyzer with barego.New builds the matching tokenmisuse analyzer
// with New.
//
// To keep a deliberate misuse, suppress the finding with a directive and a
// reason, on its line or the line above it:
//
//	//lint:ignore tokenmisuse the test checks that the second Reset panics
//	requestID.Reset(tok)
//
// or for a whole file with //lint:file-ignore tokenmisuse and a reason.
// Generated files are not checked. The analyzer has no flags.
package tokenmisuse
