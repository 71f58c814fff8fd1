// Package c resets tokens with package b's Vars and helpers.
package c

import "example.com/tokenmisuse/b"

func restoreTwice() {
	tok := b.User.Set("x")
	b.Restore(tok)
	b.Restore(tok) // want `^b\.Restore\(tok\) panics with ErrTokenUsed: on some path tok, the token of b\.User\.Set on line \d+, was already reset on line \d+`
}

func restoreWrongVar() {
	tok := b.Tenant.Set("t")
	b.Restore(tok) // want `^b\.Restore\(tok\) panics with ErrTokenVar: tok is a token of b\.Tenant \(from b\.Tenant\.Set on line \d+\), not of b\.User; reset it with b\.Tenant\.Reset$`
}

func wrongPackageVar() {
	b.User.Reset(b.Tenant.Set("x")) // want `^b\.User\.Reset\(b\.Tenant\.Set\("x"\)\) panics with ErrTokenVar`
}

func sharedIsNotFresh() {
	b.Shared.Reset(b.User.Set("x"))
	b.Replaced.Reset(b.User.Set("x"))
}

func adminOutOfOrder(next func()) {
	admin := b.AsAdmin()
	caller := b.User.Set("bob")
	b.User.Reset(admin) // want `^b\.User\.Reset\(admin\) restores b\.User out of order: on some path caller, .* sets b\.User back to the value b\.AsAdmin set, the value of b\.AsAdmin on line \d+`
	next()
	b.User.Reset(caller)
}

func enterTwice() {
	tok, err := b.Enter("x")
	if err != nil {
		return
	}
	defer b.User.Reset(tok) // want `the deferred b\.User\.Reset\(tok\) panics with ErrTokenUsed when the function returns: on some path tok, the token of b\.Enter on line \d+`
	b.User.Reset(tok)
}

func asyncLauncher() {
	tok := b.User.Set("x")
	defer b.User.Reset(tok)
	b.Async(func() {
		b.User.Reset(tok) // want `runs in the function b\.Async runs on another goroutine`
	})
}

func maybeRestore() {
	tok := b.User.Set("x")
	b.MaybeRestore(tok, true)
	b.User.Reset(tok)
}

func usedToken() {
	tok := b.Used()
	b.User.Reset(tok)
}

func restoreWithOnce() {
	b.RestoreWith(b.User, b.User.Set("x"))
}

func restoreWithTwice() {
	tok := b.User.Set("x")
	b.RestoreWith(b.User, tok)
	b.Restore(tok) // want `^b\.Restore\(tok\) panics with ErrTokenUsed`
}
