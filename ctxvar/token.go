package ctxvar

import "sync/atomic"

// A Token records a Set: which Var, in which Context, and the value the Var had
// before. Pass it to the Var's Reset to restore that value. A Token can be used
// once.
type Token[T any] struct {
	v   *Var[T]
	ctx *Context
	old T
	had bool
	// ownedBefore and beforeCap are the owned and baseCap of the state
	// when the Set replaced base's map.
	ownedBefore bool
	beforeCap   uint8
	// life is the life of the state (gstate.gen) when the Set was made in
	// its base Context: a state lives again after its goroutine's
	// function ends, and a Token of an earlier life must not reset the
	// base of a later one.
	life uint32
	used atomic.Bool
	// before and after are the Context's maps before and after the Set,
	// when the Set replaced the map: while the Context holds after,
	// unchanged, Reset restores before, which is exactly what restoring
	// the old value gives, without building a map. Nil when the Set
	// updated a map in place.
	before, after *pmap
}

// tokenMap is a Token and the small map its Set made, in one allocation; A
// is the map's array of slots.
type tokenMap[T, A any] struct {
	tok Token[T]
	m   pmapSized[A]
}

// Var returns the Var whose Set created the token.
func (t *Token[T]) Var() *Var[T] { return t.v }

// OldValue returns the value the Var had in the Context before the Set, and
// true; or the zero value and false if the Var had no value there (Python's
// Token.MISSING). Defaults do not count as values.
func (t *Token[T]) OldValue() (T, bool) { return t.old, t.had }
