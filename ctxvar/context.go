package ctxvar

import "sync/atomic"

// A Context maps Vars to values. Every goroutine is in exactly one Context at a
// time, its current Context, which Get reads and Set and Reset change. A
// goroutine started with a bare go statement starts in an empty Context; one
// started with Spawn starts in a copy of its parent's.
//
// A *Context obtained from Copy is a snapshot: nothing that happens in the
// goroutine that copied it changes it. It changes only through Sets and Resets
// made inside its own Run, and those persist for the next Run.
//
// Copy is O(1) whatever the number of Vars set: a Context holds an immutable
// persistent map, and copying shares it.
//
// A Context is safe for use by multiple goroutines, but it can be entered by
// only one at a time: Run on a Context that is already entered panics with
// ErrContextEntered.
//
// The zero value is an empty Context, ready to use: new(ctxvar.Context).Run(fn)
// runs fn where no Var has a value. That is the boundary to put around each
// unit of work that a reused goroutine runs (a request on an HTTP/1.x
// keep-alive connection, a task of a worker pool, a cleanup, a callback from
// C): Sets that one unit leaves behind stay in its own Context, and the next
// unit starts empty. Copy().Run(fn) is no boundary there: it copies whatever
// the goroutine's earlier units left in its Context.
type Context struct {
	data    atomicPtr[pmap]
	entered atomic.Bool
	// pending counts the tokens of Sets made in this Context that have not
	// been Reset. Only the goroutine that has the Context entered touches it.
	pending int32
}

// Copy returns a snapshot of the calling goroutine's current Context. It is
// Python's contextvars.copy_context.
func Copy() *Context {
	key, id := self()
	p := reg.load(key)
	if gs := stateIn(p, id); gs != nil {
		return gs.newContext(gs.snapshot())
	}
	c := new(Context)
	if p != nil && isSnapshot(p) {
		c.data.init(snapshotData(p)) // an inherited snapshot is shared already
	}
	return c
}

// Copy returns a new Context with the same values as c.
func (c *Context) Copy() *Context {
	if c == nil {
		panic(misuse(ErrNilContext, "Copy called on a nil *Context; get one from ctxvar.Copy()"))
	}
	n := new(Context)
	n.data.init(c.data.Load())
	return n
}

// Run calls fn with c as the calling goroutine's current Context, and restores
// the previous Context when fn returns or panics. Sets and Resets made by fn
// change c and are seen by the next Run of c; they are not seen by the caller.
//
// Run panics with ErrContextEntered if c is already entered, on this goroutine
// or any other: copy it first (c.Copy().Run(fn)) to run the same values twice
// at once. A token created inside Run can be used only inside a Run of the same
// Context.
func (c *Context) Run(fn func()) {
	if c == nil {
		panic(misuse(ErrNilContext, "Run called on a nil *Context; get one from ctxvar.Copy()"))
	}
	if fn == nil {
		panic(misuse(ErrNilFunc, "(*Context).Run called with a nil function"))
	}
	if !c.entered.CompareAndSwap(false, true) {
		panic(misuse(ErrContextEntered, "Run cannot enter a Context that is already entered; "+
			"run a copy instead: c.Copy().Run(fn)"))
	}
	key, id := self()
	gs := stateOf(key, id)
	created := gs == nil
	if created {
		// With g keys, a state made here stays for the goroutine's next
		// Run or Set, as a bare goroutine's does; with id keys, it goes
		// when Run returns.
		kind := kindRun
		if gKeys() {
			kind = kindBare
		}
		gs = newState(kind, id, nil)
		registerState(key, gs)
	}
	prev := gs.cur
	gs.cur = c
	defer func() {
		gs.cur = prev
		c.entered.Store(false)
		if created && !gKeys() {
			release(key)
		}
	}()
	fn()
}

// Len returns the number of Vars that have a value in c. Defaults do not
// count: a Var that was never Set in c is not in c.
func (c *Context) Len() int {
	if c == nil {
		panic(misuse(ErrNilContext, "Len called on a nil *Context; get one from ctxvar.Copy()"))
	}
	return c.data.Load().len()
}

// ValueIn returns v's value in c, and whether v has a value in c. Unlike Get,
// it ignores v's default: it is Python's c[v] and v in c.
func ValueIn[T any](c *Context, v *Var[T]) (T, bool) {
	if c == nil {
		panic(misuse(ErrNilContext, "ValueIn called with a nil *Context; get one from ctxvar.Copy()"))
	}
	x, ok := c.data.Load().lookup(&v.core)
	if !ok {
		var zero T
		return zero, false
	}
	val, _ := x.(T)
	return val, true
}
