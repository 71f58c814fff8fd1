package ctxvar

import (
	"errors"
	"fmt"
)

// The errors below are the values the package panics with when it is used
// wrongly. Each panic wraps one of them, so a recovered value r matches with
// errors.Is(r.(error), ErrTokenUsed) and so on; the wrapped message says which
// Var is involved and how to fix the call.
var (
	// ErrTokenUsed: Reset was given a token that was already used.
	// Python raises RuntimeError here.
	ErrTokenUsed = errors.New("ctxvar: token has already been used")

	// ErrTokenVar: Reset was given a token created by another Var's Set.
	// Python raises ValueError here.
	ErrTokenVar = errors.New("ctxvar: token was created by a different Var")

	// ErrTokenContext: Reset ran in another Context than the token's Set.
	// Python raises ValueError here.
	ErrTokenContext = errors.New("ctxvar: token was created in a different Context")

	// ErrContextEntered: Run was called on a Context that is already entered,
	// on this or any other goroutine. Python raises RuntimeError here.
	ErrContextEntered = errors.New("ctxvar: Context is already entered")

	// ErrNilFunc: Spawn, Bind or Run was given a nil function.
	ErrNilFunc = errors.New("ctxvar: nil function")

	// ErrNilToken: Reset was given a nil token.
	ErrNilToken = errors.New("ctxvar: nil token")

	// ErrNilContext: a method was called on a nil *Context.
	ErrNilContext = errors.New("ctxvar: nil Context")

	// ErrNilVar: a nil *Var, or a nil AnyVar, was given where a Var is
	// needed (by the packages beside this one, such as ctxvarhttp and
	// ctxvarslog).
	ErrNilVar = errors.New("ctxvar: nil Var")

	// ErrNilParent: WithCurrent or NewContext was given a nil
	// context.Context.
	ErrNilParent = errors.New("ctxvar: nil parent context.Context")

	// ErrEmptyName: New was called with an empty name.
	ErrEmptyName = errors.New("ctxvar: empty Var name")
)

// A LookupError is the panic value of Get when the Var has no value in the
// current Context and no default. It is Python's LookupError.
type LookupError struct {
	// Name is the name of the Var that was read.
	Name string
}

// Error names the Var and the ways to fix the Get.
func (e *LookupError) Error() string {
	return fmt.Sprintf("ctxvar: Var %q has no value in the current Context and no default; "+
		"give it a default with ctxvar.Default, read it with GetOr or Lookup, "+
		"or Set it first (a goroutine started with go starts with an empty Context: start it with ctxvar.Spawn)",
		e.Name)
}

// misuse builds the panic value for a programmer error: the sentinel err,
// wrapped with a message that says what to do instead.
func misuse(err error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{err}, args...)...)
}
