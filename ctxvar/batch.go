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

	// Token batches for the two Vars set most recently (a handler often
	// sets a couple of Vars in turn); lastToken is the index of the one
	// used last.
	tokens    [2]tokenBatch
	lastToken uint8
}

// A tokenBatch hands out the Tokens of one Var.
type tokenBatch struct {
	// p is a *[batchSize]E, E the Token[T] or tokenMap[T, A] that kind
	// says, for the Var v, whose T it is; nil before k's second Set.
	p    unsafe.Pointer
	v    *varCore
	kind tokenKind
	next uint8
}

// tokenKind says what a Set allocates with its Token.
type tokenKind uint8

const (
	tokenAlone tokenKind = iota // a Token
	tokenMap1                   // a tokenMap with a one-entry map
	tokenMap2                   // a tokenMap with a two-entry map
)

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
	return fromBatch[Token[T]](gs, &v.core, tokenAlone)
}

// newTokenMap returns a zero tokenMap for a Set of v whose new map has the
// entries of the array type A, of the kind given.
func newTokenMap[T, A any](gs *gstate, v *Var[T], kind tokenKind) *tokenMap[T, A] {
	return fromBatch[tokenMap[T, A]](gs, &v.core, kind)
}

// fromBatch returns a zero E, of the kind given, for a Set of the Var k,
// from k's batch if it has one.
func fromBatch[E any](gs *gstate, k *varCore, kind tokenKind) *E {
	tb := gs.tokenBatch(k, kind)
	if tb == nil {
		return new(E)
	}
	if tb.p == nil || tb.next == batchSize {
		tb.p, tb.next = unsafe.Pointer(new([batchSize]E)), 0
	}
	e := &(*[batchSize]E)(tb.p)[tb.next]
	tb.next++
	return e
}

// tokenBatch returns the batch for the next token of k, of the kind given, or nil if this is the first such token in a while: it is allocated
// alone, and k takes the place of the batch used less recently, so that its
// next Set starts a batch.
func (gs *gstate) tokenBatch(k *varCore, kind tokenKind) *tokenBatch {
	b := gs.batches
	if b == nil {
		b = new(batches)
		gs.batches = b
	}
	if tb := &b.tokens[b.lastToken&1]; tb.v == k && tb.kind == kind {
		return tb
	}
	for i := range b.tokens {
		if tb := &b.tokens[i]; tb.v == k && tb.kind == kind {
			b.lastToken = uint8(i)
			return tb
		}
	}
	i := 1 - b.lastToken
	b.tokens[i] = tokenBatch{v: k, kind: kind}
	b.lastToken = i
	return nil
}
