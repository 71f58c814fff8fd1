package ctxvar

import "context"

// The bridge to context.Context.
//
// Many APIs run work on another goroutine and hand it nothing but a
// context.Context: context.AfterFunc, errgroup.WithContext's goroutines
// (through their ctx), gRPC interceptors, OpenTelemetry processors, database
// drivers, an http.RoundTripper. A Context snapshot rides along in the
// context.Context (WithCurrent or NewContext), and the code at the other end
// enters it with RunContext.

// snapshotKey is the context.Context key under which a snapshot travels.
type snapshotKey struct{}

// WithCurrent returns a copy of parent that carries a snapshot of the calling
// goroutine's current Context, as Copy takes it. RunContext and FromContext
// read it back, on whichever goroutine the context.Context reaches.
func WithCurrent(parent context.Context) context.Context {
	return withSnapshot(parent, currentData())
}

// NewContext returns a copy of parent that carries a snapshot of c: its
// values as they are now. Later Sets in c do not reach the copy.
func NewContext(parent context.Context, c *Context) context.Context {
	if c == nil {
		panic(misuse(ErrNilContext, "NewContext called with a nil *Context; get one from ctxvar.Copy()"))
	}
	return withSnapshot(parent, c.data.Load())
}

// withSnapshot stores data, an immutable map, in a copy of parent. A *pmap
// is one pointer, so storing it in an interface allocates nothing.
func withSnapshot(parent context.Context, data *pmap) context.Context {
	if parent == nil {
		panic(misuse(ErrNilParent, "ctxvar.WithCurrent and NewContext need a parent context.Context; use context.Background()"))
	}
	return context.WithValue(parent, snapshotKey{}, data)
}

// snapshotIn returns the snapshot ctx carries, and whether it carries one.
func snapshotIn(ctx context.Context) (*pmap, bool) {
	if ctx == nil {
		return nil, false
	}
	data, ok := ctx.Value(snapshotKey{}).(*pmap)
	return data, ok
}

// FromContext returns a new Context holding the snapshot ctx carries, and
// true; or a new empty Context and false if ctx carries none. Each call
// returns a Context of its own, which the caller may Run and Set in.
func FromContext(ctx context.Context) (*Context, bool) {
	data, ok := snapshotIn(ctx)
	c := new(Context)
	c.data.init(data)
	return c, ok
}

// RunContext calls fn on the calling goroutine in a fresh copy of the
// snapshot that ctx carries, or in an empty Context if it carries none, and
// restores the goroutine's Context when fn returns or panics. It is
// FromContext(ctx) followed by Run, without allocating: the code at the far
// end of an API that passes only a context.Context starts with it, as a
// Spawn'd goroutine starts with its parent's values.
//
//	ctx = ctxvar.WithCurrent(ctx)
//	context.AfterFunc(ctx, func() {
//		ctxvar.RunContext(ctx, cleanup) // cleanup sees the values set before WithCurrent
//	})
func RunContext(ctx context.Context, fn func()) {
	if fn == nil {
		panic(misuse(ErrNilFunc, "ctxvar.RunContext called with a nil function"))
	}
	data, _ := snapshotIn(ctx)
	runIn(data, fn)
}
