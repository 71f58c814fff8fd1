// Package b exports Vars and helpers that other packages reset tokens
// with: their facts tell tokenmisuse what they do.
package b

import "github.com/ctxvar/ctxvar/ctxvar"

var User = ctxvar.New[string]("user") // want User:"fresh Var"

var Tenant = ctxvar.New[string]("tenant") // want Tenant:"fresh Var"

// Shared is User under another name: not a Var of its own.
var Shared = User

var internal = ctxvar.New[string]("internal")

// Replaced is assigned again: not the same Var at each use.
var Replaced = ctxvar.New[string]("replaced")

func Replace() { Replaced = ctxvar.New[string]("replaced again") }

// Restore resets a token of User.
func Restore(tok *ctxvar.Token[string]) { // want Restore:"resets tok with b.User"
	User.Reset(tok)
}

// RestoreWith resets a token with the Var given.
func RestoreWith(v *ctxvar.Var[string], tok *ctxvar.Token[string]) { // want RestoreWith:"resets tok"
	defer v.Reset(tok)
}

// MaybeRestore resets the token on one path only: no fact.
func MaybeRestore(tok *ctxvar.Token[string], ok bool) {
	if ok {
		User.Reset(tok)
	}
}

// AsAdmin sets User to "admin" and returns the token.
func AsAdmin() *ctxvar.Token[string] { // want AsAdmin:"returns a token of b.User"
	return User.Set("admin")
}

// Enter sets User and returns the token with an error.
func Enter(u string) (*ctxvar.Token[string], error) { // want Enter:"returns a token of b.User"
	tok := User.Set(u)
	return tok, nil
}

// Used returns a token it has reset: no fact.
func Used() *ctxvar.Token[string] {
	tok := User.Set("x")
	defer User.Reset(tok)
	return tok
}

// Async runs fn on another goroutine, without the Context: barego's
// Launcher.
func Async(fn func()) { go fn() }

func useInternal() { defer internal.Reset(internal.Set("x")) }
