package ctxvar

import "unsafe"

// Batches.
//
// Python keeps free lists of contexts and tokens; Go's allocator has none
// this cheap, and an allocation per Set or Copy is most of what they cost. A
// goroutine that sets and copies often therefore takes its Tokens and
// Contexts from batches that it allocates eight at a time, kept in its
// state's batches. The price: a Token or Context kept for long keeps its
// batch alive (up to 8 of them, a few hundred bytes). A goroutine's first
// Token of a Var, and its first Copy, are allocated alone, so a goroutine
// that sets once or copies once pays for no batch.
const batchSize = 8

// batches is the part of a goroutine's state that only goroutines which
// set or copy repeatedly need; it is allocated at the second time.
type batches struct {
	contexts    *[batchSize]Context
	contextNext uint8
	copied      bool // a Context was allocated alone already

	// tokens is a *[batchSize]Token[T] or a *[batchSize]tokenMap[T], as
	// tokenMaps says, for the Var tokenVar, whose T it is.
	tokens    unsafe.Pointer
	tokenVar  *varCore
	tokenMaps bool
	tokenNext uint8
}

// newContext returns a new Context holding data.
func (gs *gstate) newContext(data *pmap) *Context {
	b := gs.batches
	if b == nil || !b.copied {
		if b == nil {
			gs.batches = &batches{copied: true}
		} else {
			b.copied = true
		}
		c := new(Context)
		c.data.init(data)
		return c
	}
	if b.contexts == nil || b.contextNext == batchSize {
		b.contexts, b.contextNext = new([batchSize]Context), 0
	}
	c := &b.contexts[b.contextNext]
	b.contextNext++
	c.data.init(data)
	return c
}

// newToken returns a zero Token for a Set of v.
func newToken[T any](gs *gstate, v *Var[T]) *Token[T] {
	if b := gs.batches; b != nil && b.tokenVar == &v.core && !b.tokenMaps && b.tokenNext < batchSize {
		t := &(*[batchSize]Token[T])(b.tokens)[b.tokenNext]
		b.tokenNext++
		return t
	}
	if !gs.batchNext(&v.core, false) {
		return new(Token[T])
	}
	b := gs.batches
	a := new([batchSize]Token[T])
	b.tokens, b.tokenNext = unsafe.Pointer(a), 1
	return &a[0]
}

// newTokenMap returns a zero tokenMap for a Set of v.
func newTokenMap[T any](gs *gstate, v *Var[T]) *tokenMap[T] {
	if b := gs.batches; b != nil && b.tokenVar == &v.core && b.tokenMaps && b.tokenNext < batchSize {
		t := &(*[batchSize]tokenMap[T])(b.tokens)[b.tokenNext]
		b.tokenNext++
		return t
	}
	if !gs.batchNext(&v.core, true) {
		return new(tokenMap[T])
	}
	b := gs.batches
	a := new([batchSize]tokenMap[T])
	b.tokens, b.tokenNext = unsafe.Pointer(a), 1
	return &a[0]
}

// batchNext reports whether the next token for k, of the kind maps says,
// should start a new batch: it should if the last one was for k too, which
// makes this at least k's second Set on the goroutine. Otherwise it notes k
// and the token is allocated alone.
func (gs *gstate) batchNext(k *varCore, maps bool) bool {
	b := gs.batches
	if b == nil {
		b = new(batches)
		gs.batches = b
	}
	if b.tokenVar == k && b.tokenMaps == maps {
		return true
	}
	b.tokenVar, b.tokenMaps, b.tokens, b.tokenNext = k, maps, nil, batchSize
	return false
}
