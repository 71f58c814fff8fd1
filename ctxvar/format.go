package ctxvar

import (
	"cmp"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
)

// maxValueText is how much of a value's %v text a Context's String prints;
// a longer text is cut at a rune boundary and ends in "…".
const maxValueText = 64

// entry is one Var and its value in a Context.
type entry struct {
	v   AnyVar
	val any
}

// sortedEntries returns d's entries ordered by the Vars' names, and Vars of
// one name by creation, so that output is the same for the same values
// whatever the map's internal order.
func sortedEntries(d *pmap) []entry {
	es := make([]entry, 0, d.len())
	d.each(func(k *varCore, v any) { es = append(es, entry{k.v, v}) })
	slices.SortFunc(es, func(a, b entry) int {
		ka, kb := a.v.anyVar(), b.v.anyVar()
		return cmp.Or(strings.Compare(ka.name, kb.name), cmp.Compare(ka.seq, kb.seq))
	})
	return es
}

// All returns an iterator over the Vars that have a value in c and their
// values, ordered by the Vars' names (Vars of one name by creation). It is a
// snapshot: Sets made in c while the loop runs are not seen. Values of
// Redacted Vars are yielded as they are; the AnyVar says which they are.
func (c *Context) All() iter.Seq2[AnyVar, any] {
	if c == nil {
		panic(misuse(ErrNilContext, "All called on a nil *Context; get one from ctxvar.Copy()"))
	}
	d := c.data.Load()
	return func(yield func(AnyVar, any) bool) {
		for _, e := range sortedEntries(d) {
			if !yield(e.v, e.val) {
				return
			}
		}
	}
}

// String formats c as its Vars' names and values, ordered as All orders
// them: ctxvar.Context{request.id: 4bf92f35, user: ada}. Values are
// formatted with %v and cut to 64 bytes; a Redacted Var's value prints as
// [redacted]. An empty Context is ctxvar.Context{}.
func (c *Context) String() string {
	if c == nil {
		return "ctxvar.Context(nil)"
	}
	var b strings.Builder
	b.WriteString("ctxvar.Context{")
	for i, e := range sortedEntries(c.data.Load()) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.v.Name())
		b.WriteString(": ")
		b.WriteString(valueText(e.v, e.val))
	}
	b.WriteByte('}')
	return b.String()
}

// valueText is val, the value of v, as output shows it.
func valueText(v AnyVar, val any) string {
	if v.Redacted() {
		return redactedText
	}
	s := fmt.Sprint(val)
	if len(s) <= maxValueText {
		return s
	}
	cut := maxValueText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// String names the token's Var and says whether the token was used:
// ctxvar.Token{var: request.id, used: false}.
func (t *Token[T]) String() string {
	if t == nil {
		return "ctxvar.Token(nil)"
	}
	return fmt.Sprintf("ctxvar.Token{var: %s, used: %t}", t.v.core.name, t.used.Load())
}

// typeName is T's name as Go code spells it, also for interface types.
func typeName[T any]() string { return reflect.TypeFor[T]().String() }
