package helpers

import (
	"example.com/losttoken/base"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// The helpers that package usehelpers calls: their facts cross the package
// boundary.

// EnterTenant sets Tenant.
func EnterTenant(t string) *ctxvar.Token[string] { // want EnterTenant:"returns the token of Tenant.Set"
	return Tenant.Set(t)
}

// EnterHidden sets a Var that other packages cannot name.
func EnterHidden(t string) *ctxvar.Token[string] { // want EnterHidden:"returns the token of tenant.Set"
	return tenant.Set(t)
}

// EnterRegion sets a Var of package base.
func EnterRegion(r string) *ctxvar.Token[string] { // want EnterRegion:"returns the token of base.Region.Set"
	tok := base.Region.Set(r)
	return tok
}

// Enter sets Tenant and returns the function that restores it.
func Enter(t string) func() { // want Enter:"returns a func that resets the token of Tenant.Set"
	return enterFuncFor(Tenant, t)
}

func enterFuncFor(v *ctxvar.Var[string], t string) func() { // want enterFuncFor:"returns a func that resets the token of v.Set"
	tok := v.Set(t)
	return func() { v.Reset(tok) }
}

// SetVar sets any Var.
func SetVar[T any](v *ctxvar.Var[T], x T) *ctxvar.Token[T] { // want SetVar:"returns the token of v.Set"
	return setVar(v, x)
}

// A Scope sets the Var it holds.
type Scope struct {
	V      *ctxvar.Var[string]
	hidden *ctxvar.Var[string]
}

// NewScope returns a Scope of Tenant.
func NewScope() *Scope { return &Scope{V: Tenant, hidden: Tenant} }

// Enter sets the Scope's Var.
func (s *Scope) Enter(x string) *ctxvar.Token[string] { // want Enter:"returns the token of s.V.Set"
	return s.V.Set(x)
}

// EnterHidden sets a Var in an unexported field.
func (s *Scope) EnterHidden(x string) *ctxvar.Token[string] { // want EnterHidden:"returns the token of s.hidden.Set"
	return s.hidden.Set(x)
}

// A Generic scope sets a Var of any type.
type Generic[T any] struct{ V *ctxvar.Var[T] }

// Enter sets the Generic scope's Var.
func (g Generic[T]) Enter(x T) (exit func()) { // want Enter:"returns a func that resets the token of g.V.Set"
	tok := g.V.Set(x)
	exit = func() { g.V.Reset(tok) }
	return exit
}

// Go runs fn on a new goroutine, in a copy of the caller's Context.
func Go(fn func()) { // want Go:"runs its parameter 1 in a Context of its own"
	ctxvar.Spawn(fn)
}
