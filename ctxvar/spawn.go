package ctxvar

import "unsafe"

// Spawn starts fn on a new goroutine whose Context is a copy of the caller's,
// taken at the call. It is the go statement for code that uses Vars: a
// goroutine started with a bare go statement starts with an empty Context.
//
// The child sees the values the caller had when it called Spawn. Sets made by
// the caller afterwards are invisible to the child, and Sets made by the child
// are invisible to the caller and to its other children.
//
// A panic in fn crashes the program exactly as it would in a goroutine started
// with go: Spawn recovers nothing. The goroutine's state is released when fn
// returns, panics or calls runtime.Goexit.
func Spawn(fn func()) {
	if fn == nil {
		panic(misuse(ErrNilFunc, "ctxvar.Spawn called with a nil function"))
	}
	go runSpawned(currentData(), fn)
}

func runSpawned(data *pmap, fn func()) {
	key, id := self()
	// No state yet: the registry holds the snapshot (an empty one for an
	// empty Context) until the first Set. It replaces whatever an earlier
	// goroutine left on this g. Usually the g's key is in the table
	// already, and one compare-and-swap writes it, and another clears it
	// at the end.
	snap := snapshotVal(data)
	s, old := reg.putOwn(key, snap)
	noteRemoved(old)
	defer func() {
		// The slot holds the snapshot still unless a Set replaced it by a
		// state, or a migration moved it.
		if s == nil || !s.cas(snap, nil) {
			p := reg.put(key, nil, !gKeys())
			noteRemoved(p)
			recycle(p, id)
		}
	}()
	fn()
}

// Bind returns a function that runs fn in a copy of the caller's Context, as it
// is at the call to Bind. Each call of the returned function runs in a fresh
// copy of that snapshot, on whichever goroutine calls it: concurrent calls are
// isolated from each other, and Sets made by one call are not seen by the next.
//
// Bind is for callbacks that another goroutine will run: time.AfterFunc,
// sync.WaitGroup.Go, a worker pool, an event loop. It is Python's
// copy_context().run wrapped around the callback.
func Bind(fn func()) func() {
	if fn == nil {
		panic(misuse(ErrNilFunc, "ctxvar.Bind called with a nil function"))
	}
	data := currentData()
	return func() { runIn(data, fn) }
}

// BindErr is Bind for callbacks that return an error, such as the functions
// passed to errgroup.Group.Go: it captures the caller's Context now, and each
// call of the result runs fn in a fresh copy of that snapshot and returns fn's
// error.
func BindErr(fn func() error) func() error {
	if fn == nil {
		panic(misuse(ErrNilFunc, "ctxvar.BindErr called with a nil function"))
	}
	data := currentData()
	return func() error {
		var err error
		runIn(data, func() { err = fn() })
		return err
	}
}

// BindArg is Bind for callbacks that take one argument, such as the functions
// passed to testing.T.Run: it captures the caller's Context now, and each call
// of the result runs fn(arg) in a fresh copy of that snapshot.
func BindArg[A any](fn func(A)) func(A) {
	if fn == nil {
		panic(misuse(ErrNilFunc, "ctxvar.BindArg called with a nil function"))
	}
	data := currentData()
	return func(arg A) { runIn(data, func() { fn(arg) }) }
}

// runIn runs fn on the calling goroutine in a fresh Context holding data, and
// puts the goroutine back in the Context it was in when fn returns, panics or
// calls runtime.Goexit. It is new(Context) with data, Run, without the
// Context: while fn runs, the registry holds data as the goroutine's
// inherited snapshot, as it does for a Spawn'd child, so a callback that only
// reads allocates nothing, and the state that fn's Sets create is released
// when fn ends, never left to the sweeper.
func runIn(data *pmap, fn func()) {
	key, id := self()
	in := snapshotVal(data)
	s, prev := reg.putOwn(key, in)
	back := prev
	if back != nil && !isSnapshot(back) && (*gstate)(back).goid != id {
		// A state that an earlier goroutine on this g left: it is gone
		// for good now.
		noteRemoved(back)
		back = nil
	}
	defer func() {
		var out unsafe.Pointer
		if s != nil && s.cas(in, back) {
			out = in
		} else {
			out = reg.put(key, back, back == nil && !gKeys())
		}
		if out != in {
			// The state that fn's Sets made.
			noteRemoved(out)
			recycle(out, id)
		}
	}()
	fn()
}
