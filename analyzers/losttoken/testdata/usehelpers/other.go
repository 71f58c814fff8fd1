package usehelpers

import (
	"example.com/losttoken/base"
	"example.com/losttoken/helpers"
	more "example.com/losttoken/helpers"
)

var _ = base.Region

// A file that imports helpers under its own name.
func other(t string) {
	helpers.EnterTenant(t) // want `the token returned by helpers\.EnterTenant \(helpers\.Tenant\.Set\) is discarded: the previous value is never restored; reset it with defer helpers\.Tenant\.Reset\(helpers\.EnterTenant\(t\)\)`
}

// A local name hides the package: no fix.
func hiddenPackage(t string) {
	enter := helpers.EnterTenant
	{
		helpers := 1
		_ = helpers
		enter(t)
	}
	helpersDiscard(t)
}

func helpersDiscard(t string) {
	helpers := helpers.NewScope()
	helpers.Enter(t) // want `the token returned by helpers\.Enter \(helpers\.V\.Set\) is discarded`
}

// EnterRegion sets base.Region: the fix names it where base is in scope.
func visibleBase(r string) {
	helpers.EnterRegion(r) // want `the token returned by helpers\.EnterRegion \(base\.Region\.Set\) is discarded: the previous value is never restored; reset it with defer base\.Region\.Reset\(helpers\.EnterRegion\(r\)\)`
}

func shadowedBase(r string) {
	base := r
	helpers.EnterRegion(base) // want `the token returned by helpers\.EnterRegion \(base\.Region\.Set\) is discarded: the previous value is never restored; keep it \(tok\) and defer tok\.Var\(\)\.Reset\(tok\)`
}

// Where a local hides one name of the package, the fix uses the other.
func shadowedImport(t string) {
	helpers := t
	more.EnterTenant(helpers) // want `the token returned by more\.EnterTenant \(more\.Tenant\.Set\) is discarded: the previous value is never restored; reset it with defer more\.Tenant\.Reset\(more\.EnterTenant\(helpers\)\)`
}
