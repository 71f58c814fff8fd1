// Package usehelpers calls the helpers of package helpers: their facts say
// what their results hold.
package usehelpers

import (
	"errors"

	h "example.com/losttoken/helpers"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var local = ctxvar.New("local", ctxvar.Default(0))

var errEmpty = errors.New("empty")

func discarded(t string) {
	h.EnterTenant(t) // want `the token returned by h\.EnterTenant \(h\.Tenant\.Set\) is discarded: the previous value is never restored; reset it with defer h\.Tenant\.Reset\(h\.EnterTenant\(t\)\)`
	h.EnterHidden(t) // want `the token returned by h\.EnterHidden \(helpers\.tenant\.Set\) is discarded: the previous value is never restored; keep it \(tok\) and defer tok\.Var\(\)\.Reset\(tok\)`
	h.EnterRegion(t) // want `the token returned by h\.EnterRegion \(base\.Region\.Set\) is discarded: the previous value is never restored; keep it \(tok\) and defer tok\.Var\(\)\.Reset\(tok\)`
	h.Enter(t)       // want `the restore function returned by h\.Enter \(which resets h\.Tenant\) is discarded: h\.Tenant's previous value is never restored; call it when the function returns with defer h\.Enter\(t\)\(\)`
}

func generic(n int) {
	h.SetVar(local, n)         // want `the token returned by h\.SetVar \(local\.Set\) is discarded: the previous value is never restored; reset it with defer local\.Reset\(h\.SetVar\(local, n\)\)`
	h.SetVar[int](local, n)    // want `the token returned by h\.SetVar\[int\] \(local\.Set\)`
	_ = h.SetVar(h.Tenant, "") // want `the token returned by h\.SetVar \(h\.Tenant\.Set\) is assigned to _`
}

func methods(s *h.Scope, g h.Generic[int], t string) {
	s.Enter(t)       // want `the token returned by s\.Enter \(s\.V\.Set\) is discarded: the previous value is never restored; reset it with defer s\.V\.Reset\(s\.Enter\(t\)\)`
	s.EnterHidden(t) // want `the token returned by s\.EnterHidden \(s\.hidden\.Set\) is discarded: the previous value is never restored; keep it \(tok\) and defer tok\.Var\(\)\.Reset\(tok\)`
	g.Enter(1)       // want `the restore function returned by g\.Enter \(which resets g\.V\) is discarded`
}

func notUsedOnAllPaths(t string) error {
	tok := h.EnterTenant(t) // want `the tok variable that holds the token returned by h\.EnterTenant \(h\.Tenant\.Set\) is not used on all paths`
	if t == "" {
		return errEmpty
	}
	h.Tenant.Reset(tok)
	return nil
}

func kept(t string) *ctxvar.Token[string] { // want kept:"returns the token of helpers.tenant.Set"
	defer h.Enter(t)()
	defer h.Tenant.Reset(h.EnterTenant(t))
	exit := h.NewScope().Enter
	_ = exit
	return h.EnterHidden(t)
}

// A spawner of another package: its literals run in a Context of their own.
func spawned(t string) {
	h.Go(func() {
		h.Tenant.Set(t)
		h.EnterTenant(t)
		h.Enter(t)
	})
}
