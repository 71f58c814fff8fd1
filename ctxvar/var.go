package ctxvar

import "fmt"

// A Var is a context variable: a name for a value that each Context holds
// separately. Create Vars once, at package level; a Var is identified by its
// address, so two Vars with the same name are different variables.
//
// A Var is safe for concurrent use: each goroutine reads and writes its own
// current Context.
type Var[T any] struct {
	core   varCore
	def    T
	hasDef bool
}

// An Option configures a Var at New.
type Option[T any] struct {
	apply func(*Var[T])
}

// Default gives a Var a default value, which Get and Lookup return when the Var
// has no value in the current Context.
func Default[T any](v T) Option[T] {
	return Option[T]{apply: func(x *Var[T]) { x.def, x.hasDef = v, true }}
}

// New returns a new Var. The name is for diagnostics: it appears in errors and
// in String; it does not identify the Var. New panics with ErrEmptyName if name
// is empty.
func New[T any](name string, opts ...Option[T]) *Var[T] {
	if name == "" {
		panic(misuse(ErrEmptyName, "ctxvar.New needs a name for the Var, used in error messages"))
	}
	v := &Var[T]{core: makeVarCore(name)}
	v.core.v = v
	for _, o := range opts {
		if o.apply != nil {
			o.apply(v)
		}
	}
	return v
}

// Name returns the name the Var was created with.
func (v *Var[T]) Name() string { return v.core.name }

// Redacted marks a Var's values as sensitive (a password, a token, a
// personal detail): a Context's String, a Var's String and the ctxvarslog
// handler print "[redacted]" in their place. Get, Lookup, ValueIn and a
// Context's All return them as they are.
func Redacted[T any]() Option[T] {
	return Option[T]{apply: func(x *Var[T]) { x.core.redacted = true }}
}

// redactedText is what output shows for a value of a Redacted Var.
const redactedText = "[redacted]"

// An AnyVar is a Var of any value type: what code that handles Vars
// whatever their type holds, such as a log handler that adds chosen Vars to
// each record, or a Context's All. Only *Var[T] implements it.
type AnyVar interface {
	// Name returns the name the Var was created with.
	Name() string
	// Redacted reports whether the Var was created with the Redacted
	// option.
	Redacted() bool
	// ValueAny returns the Var's value in the current Context, and true;
	// or nil and false if the Var has no value there. The default does
	// not count: ValueAny reports what was Set.
	ValueAny() (any, bool)
	// String describes the Var.
	String() string

	anyVar() *varCore
}

// Redacted reports whether the Var was created with the Redacted option.
func (v *Var[T]) Redacted() bool { return v.core.redacted }

// ValueAny returns the Var's value in the current Context, and true; or nil
// and false if the Var has no value there; the default does not count. It is
// Lookup for code that holds the Var as an AnyVar, and allocates nothing.
func (v *Var[T]) ValueAny() (any, bool) { return lookupCurrent(&v.core) }

func (v *Var[T]) anyVar() *varCore { return &v.core }

// String describes the Var for debugging output: its value type, name and
// default, as in ctxvar.Var[string]("request.id", default "-").
func (v *Var[T]) String() string {
	switch {
	case v.hasDef && v.core.redacted:
		return fmt.Sprintf("ctxvar.Var[%s](%q, default %s)", typeName[T](), v.core.name, redactedText)
	case v.hasDef:
		return fmt.Sprintf("ctxvar.Var[%s](%q, default %#v)", typeName[T](), v.core.name, v.def)
	}
	return fmt.Sprintf("ctxvar.Var[%s](%q)", typeName[T](), v.core.name)
}

// Get returns the Var's value in the current Context; if it has none, the Var's
// default; if it has no default, Get panics with a *LookupError. Use GetOr or
// Lookup where the Var may be unset.
func (v *Var[T]) Get() T {
	if x, ok := lookupCurrent(&v.core); ok {
		val, _ := x.(T) // x is nil when T is an interface type and nil was set
		return val
	}
	if v.hasDef {
		return v.def
	}
	panic(&LookupError{Name: v.core.name})
}

// GetOr returns the Var's value in the current Context, or def if it has none.
// The Var's own default is not consulted.
func (v *Var[T]) GetOr(def T) T {
	if x, ok := lookupCurrent(&v.core); ok {
		val, _ := x.(T)
		return val
	}
	return def
}

// Lookup is Get without the panic: it returns the value Get would return and
// true, or the zero value and false where Get would panic.
func (v *Var[T]) Lookup() (T, bool) {
	if x, ok := lookupCurrent(&v.core); ok {
		val, _ := x.(T)
		return val, true
	}
	return v.def, v.hasDef
}

// Set sets the Var's value in the current Context and returns a Token that
// Reset uses to restore the value it had before. The usual pattern is
//
//	defer v.Reset(v.Set(x))
//
// Set affects the current goroutine only; goroutines it starts with Spawn
// afterwards see the new value, goroutines already running do not.
func (v *Var[T]) Set(val T) *Token[T] {
	key, id := self()
	gs := stateOf(key, id)
	if gs == nil {
		// The goroutine's Context is empty: register it with the value in
		// place, which spares storing the new map into a registered state.
		gs = registerSet(key, id, &v.core, val)
		gs.base.pending = 1
		return &Token[T]{v: v, ctx: &gs.base}
	}
	c := gs.cur
	d := c.data.Load()
	x := any(val) // boxed once, whichever way the map is updated
	var t *Token[T]
	var old any
	had, inPlace := false, false
	if gs.owned && c == &gs.base {
		old, had, inPlace = d.swapInPlace(&v.core, x, int(gs.baseCap))
	}
	if inPlace {
		gs.changedInPlace(d)
		t = newToken(gs, v)
		t.v, t.ctx, t.life = v, c, gs.gen
	} else {
		old, had = d.lookup(&v.core)
		t = replaceMap(gs, v, c, d, x, had)
	}
	c.pending++
	if had {
		t.had = true
		t.old, _ = old.(T)
	}
	return t
}

// replaceMap gives c, the Context current in gs, a new map: d with v set to
// x, where had says whether d holds v. It returns the Set's token, which can
// restore d by pointer.
func replaceMap[T any](gs *gstate, v *Var[T], c *Context, d *pmap, x any, had bool) *Token[T] {
	var t *Token[T]
	var nd *pmap
	switch n := d.len(); {
	case n == 0 || n == 1 && had:
		// The new map holds x alone: make it and the token one
		// allocation.
		tm := newTokenMap[T, [1]pmapSlot](gs, v, tokenMap1)
		t, nd = &tm.tok, tm.m.node()
		nd.n = 1
		nd.slots()[0] = pmapSlot{&v.core, x}
	case n == 1 || n == 2 && had:
		// A handler's second Var, or a new value of one of two: the
		// same, with two entries.
		tm := newTokenMap[T, [2]pmapSlot](gs, v, tokenMap2)
		t, nd = &tm.tok, tm.m.node()
		d.setInto(nd, 2, &v.core, x)
	default:
		nd = d.set(&v.core, x)
		t = newToken(gs, v)
	}
	t.v, t.ctx, t.life = v, c, gs.gen
	// While the Context holds nd unchanged, Reset can restore d by
	// pointer. A Context entered by Run never changes a map in place;
	// base's state tracks whether nd was (lastNew).
	t.before, t.after = d, nd
	if c == &gs.base {
		t.ownedBefore, t.beforeCap = gs.owned, gs.baseCap
		gs.lastNew = nd
	}
	c.data.Store(nd)
	gs.setOwned(nd)
	return t
}

// Reset restores the Var to the value it had before the Set that returned tok:
// the old value, or no value at all. Tokens may be reset in any order; each
// restores its own Set's old value.
//
// Reset panics if tok was already used (ErrTokenUsed), was returned by another
// Var's Set (ErrTokenVar), or was created in another Context than the current
// one (ErrTokenContext), checked in that order. A failed Reset does not use up
// the token.
func (v *Var[T]) Reset(tok *Token[T]) {
	if tok == nil {
		panic(misuse(ErrNilToken, "%s.Reset called with a nil token; pass the token returned by Set", v.core.name))
	}
	if tok.used.Load() {
		panic(misuse(ErrTokenUsed, "%s.Reset: each token restores once; Set again for a new token", v.core.name))
	}
	if tok.v != v {
		panic(misuse(ErrTokenVar, "%s.Reset was given a token of Var %q; reset it with %s.Reset",
			v.core.name, tok.v.core.name, tok.v.core.name))
	}
	key, id := self()
	p, ok := reg.loadHome(key)
	if !ok {
		p = reg.load(key)
	}
	gs := stateIn(p, id)
	if gs == nil || gs.cur != tok.ctx || gs.kind == kindSpawn && tok.ctx == &gs.base && tok.life != gs.gen {
		panic(misuse(ErrTokenContext, "%s.Reset must run in the Context of the Set that made the token: "+
			"in the same goroutine, or inside a Run of the same Context", v.core.name))
	}
	if !tok.used.CompareAndSwap(false, true) {
		panic(misuse(ErrTokenUsed, "%s.Reset: each token restores once; Set again for a new token", v.core.name))
	}
	c := gs.cur
	switch d := c.data.Load(); {
	case gs.owned && c == &gs.base:
		// In place, which keeps the map's room for the next Set.
		gs.update(&v.core, tok.old, !tok.had)
	case d == tok.after && d != nil && (c != &gs.base || d == gs.lastNew):
		// Nothing changed the Context since the Set: restore its map. The
		// map before a Set of base that base owned was shared with no
		// snapshot, and has not been current since: base owns it again.
		c.data.Store(tok.before)
		if c == &gs.base {
			gs.lastNew = nil
			gs.owned, gs.baseCap = tok.ownedBefore && tok.before != nil, tok.beforeCap
		}
	default:
		gs.update(&v.core, tok.old, !tok.had)
	}
	c.pending--
	if !gKeys() {
		gs.releaseIfIdle(key)
	}
}
