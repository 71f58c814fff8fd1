// Package funcvalues calls Set through method values and method
// expressions, and stores function literals in variables.
package funcvalues

import (
	"errors"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var tenant = ctxvar.New("tenant", ctxvar.Default("none"))

var region = ctxvar.New("region", ctxvar.Default("eu"))

var errEmpty = errors.New("empty")

type holder struct{ v *ctxvar.Var[string] }

// A method value of Set in a local variable that is only ever called is a
// Set of its receiver.

func methodValue(t string) {
	set := tenant.Set
	set(t) // want `the token returned by set \(tenant\.Set\) is discarded: the previous value is never restored; reset it with defer tenant\.Reset\(set\(t\)\)`
}

func methodValueDeclared(t string) {
	var set = region.Set
	_ = set(t) // want `the token returned by set \(region\.Set\) is assigned to _`
}

// The receiver was evaluated at the method value: no fix names it again
// unless it is a package-level Var.
func methodValueField(h *holder, t string) {
	set := h.v.Set
	set(t) // want `the token returned by set \(h\.v\.Set\) is discarded: the previous value is never restored; reset it with defer h\.v\.Reset\(set\(t\)\)`
}

func methodValuePath(t string) error {
	set := tenant.Set
	tok := set(t) // want `the tok variable that holds the token returned by set \(tenant\.Set\) is not used on all paths \(possible Context leak\): the return statement on line 43 can be reached without it, and tenant's previous value is not restored there; call tenant\.Reset\(tok\) on every path, or defer it right after the call`
	if t == "" {
		return errEmpty
	}
	tenant.Reset(tok)
	return nil
}

func methodValueInLoop(ts []string) {
	set := tenant.Set
	for _, t := range ts {
		set(t) // want `the token returned by set \(tenant\.Set\) is discarded: the previous value is never restored; keep it and call tenant\.Reset\(tok\) before the iteration ends`
	}
}

func methodValueInClosure(t string) {
	set := tenant.Set
	func() {
		set(t) // want `the token returned by set \(tenant\.Set\) is discarded`
	}()
}

func methodValueDeferred(t string) {
	set := tenant.Set
	defer set(t) // want `the token returned by the deferred call of set \(tenant\.Set\) is discarded`
}

func methodExpression(t string) {
	(*ctxvar.Var[string]).Set(tenant, t) // want `the token returned by tenant\.Set is discarded: the previous value is never restored; reset it with defer tenant\.Reset\(tenant\.Set\(t\)\)`
}

func methodExpressionValue(t string) {
	set := (*ctxvar.Var[string]).Set
	set(region, t) // want `the token returned by set \(region\.Set\) is discarded: the previous value is never restored; reset it with defer region\.Reset\(set\(region, t\)\)`
}

func genericMethodValue[T any](v *ctxvar.Var[T], x T) {
	set := v.Set
	set(x) // want `the token returned by set \(v\.Set\) is discarded`
}

// Method values that may change, or escape, are not followed: silent.

func reassigned(t string) {
	set := tenant.Set
	set = region.Set
	set(t)
}

func reassignedAfter(t string) {
	set := tenant.Set
	set(t)
	set = region.Set
	_ = set
}

func addressTaken(t string) {
	set := tenant.Set
	p := &set
	set(t)
	_ = p
}

func passedOn(t string, use func(func(string) *ctxvar.Token[string])) {
	set := tenant.Set
	set(t)
	use(set)
}

func funcParameter(set func(string) *ctxvar.Token[string], t string) {
	set(t)
}

func packageLevel(t string) {
	globalSet(t)
}

var globalSet = tenant.Set

func keptMethodValue(t string) *ctxvar.Token[string] {
	set := tenant.Set
	defer tenant.Reset(set(t))
	return set(t)
}

func spawnedMethodValue(t string) {
	set := tenant.Set
	ctxvar.Spawn(func() { set(t) })
}

// A function literal in a local variable that is only passed to Spawn,
// Bind, BindErr, BindArg, RunContext, (*Context).Run or a subtest runs in
// a Context of its own, like a literal passed directly: silent.

func storedSpawned(t string) {
	f := func() {
		tenant.Set(t)
	}
	ctxvar.Spawn(f)
	defer ctxvar.Spawn(f)
}

func storedBound(t string) (func(), func() error, func(string)) {
	f := func() { tenant.Set(t) }
	g := func() error {
		tenant.Set(t)
		return nil
	}
	h := func(s string) { region.Set(s) }
	return ctxvar.Bind(f), ctxvar.BindErr(g), ctxvar.BindArg(h)
}

func storedRun(t string) {
	f := func() { tenant.Set(t) }
	ctxvar.Copy().Run(f)
}

func storedInSpawned(t string) {
	f := func() { tenant.Set(t) }
	ctxvar.Spawn(func() {
		ctxvar.Spawn(f)
	})
}

// Where the literal may run in the caller's Context: checked.

func storedAndReturned(t string) func() {
	f := func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	}
	ctxvar.Spawn(f)
	return f
}

func storedAndDeferred(t string) {
	f := func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	}
	ctxvar.Spawn(f)
	defer f()
}

func storedInParens(t string) {
	f := func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	}
	ctxvar.Spawn((f))
}

func storedShadowed(t string) {
	f := func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	}
	{
		f := func() {}
		ctxvar.Spawn(f)
	}
	f()
}

func storedNeverSpawned(t string) {
	f := func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	}
	f()
}

func assignedLater(t string) {
	var f func()
	f = func() {
		tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	}
	ctxvar.Spawn(f)
}
