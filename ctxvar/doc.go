// Package ctxvar provides context variables for goroutines, with the semantics
// of Python's PEP 567 contextvars: goroutines take the place of asyncio tasks.
//
// A [Var] names a value; a [Context] maps Vars to values; every goroutine is in
// one Context at a time, which [Var.Get] reads and [Var.Set] and [Var.Reset]
// change:
//
//	var requestID = ctxvar.New("requestID", ctxvar.Default("none"))
//
//	func handle(id string) {
//		defer requestID.Reset(requestID.Set(id))
//		ctxvar.Spawn(audit) // audit sees id: Spawn copies the Context
//	}
//
// # Where a goroutine's Context comes from
//
// A goroutine started by [Spawn] starts in a copy of its parent's Context,
// taken at the call: the parent's later Sets are invisible to it, and its Sets
// are invisible to the parent and its siblings. A function made by [Bind] runs,
// on whichever goroutine calls it, in a fresh copy of the Context taken at the
// call to Bind. [Context.Run] runs a function in a given Context. A goroutine
// started with a bare go statement starts in an empty Context, where Get sees
// only defaults; so do callbacks from C threads, which must enter a Context
// with Run.
//
// # Invariants
//
//   - No goroutine observes a value set by an unrelated goroutine: values
//     travel only through Spawn, Bind, Copy and Run.
//   - A Context is entered by at most one goroutine at a time.
//   - Run restores the caller's Context when its function returns or panics.
//   - A token restores once, in the Context of its Set; tokens may be reset
//     in any order.
//   - No record of a finished goroutine stays behind: Spawn and Run release
//     a goroutine's state when they return, a bare goroutine's state goes
//     with the Reset that empties its Context, and a sweeper driven by the
//     garbage collector collects the states of bare goroutines that exited
//     with values set.
//   - Copy is O(1), whatever the number of Vars set.
//
// # Misuse
//
// The package panics only on programmer errors, always with an error value:
// [*LookupError] from Get, and errors matching [ErrTokenUsed],
// [ErrTokenVar], [ErrTokenContext], [ErrContextEntered], [ErrNilFunc],
// [ErrNilToken], [ErrNilContext] and [ErrEmptyName] with errors.Is. Each
// message names the fix.
//
// # Goroutine identity
//
// State is keyed by goroutine id, which the runtime never reuses. The id is
// read by a few instructions of assembly on amd64 and arm64, after the package
// has checked at start-up that they agree with the id in runtime.Stack's
// output, and from runtime.Stack itself elsewhere or when CTXVAR_GOID=portable
// is set. The package writes nothing into the runtime's goroutine structure or
// into pprof labels, and uses no go:linkname.
package ctxvar
