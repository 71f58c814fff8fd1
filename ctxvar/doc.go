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
//     a goroutine's state when they return, and a sweeper driven by the
//     garbage collector collects the states of bare goroutines that have
//     exited, without stopping the world.
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
// # Reused goroutines
//
// Some goroutines run one unit of work after another: net/http serves the
// requests of an HTTP/1.x keep-alive connection on one goroutine, the runtime
// runs cleanups and finalizers on one, a C thread's callbacks share one, and
// so do the tasks of a worker pool. A Set that one unit does not Reset is seen
// by the next. Give each unit a Context of its own: run it with
// new(ctxvar.Context).Run(unit), or hand the pool ctxvar.Bind(task).
//
// # Goroutine identity
//
// State is found through the goroutine's g, the runtime's record of it, and
// tagged with its goroutine id, which the runtime never reuses. Both are read
// by a few instructions of assembly on amd64, arm64, riscv64, loong64 and
// ppc64, after the package has checked at start-up that they agree with the
// id in runtime.Stack's output; a goroutine has exited once its g holds
// another id or reads as dead, which is verified at start-up too. Elsewhere, or when CTXVAR_GOID=portable is
// set, the id is read from runtime.Stack and exited goroutines are found from
// runtime.Stack's list of all goroutines, which stops the world. The package
// writes nothing into the runtime's goroutine structure or into pprof labels,
// and uses no go:linkname.
package ctxvar
