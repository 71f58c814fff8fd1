package a

import (
	"errors"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// A test that recovers from the panic tests it on purpose: silent.
func TestResetTwicePanics(t *testing.T) {
	tok := user.Set("x")
	user.Reset(tok)
	defer func() {
		r := recover()
		if err, ok := r.(error); !ok || !errors.Is(err, ctxvar.ErrTokenUsed) {
			t.Errorf("recovered %v, want ErrTokenUsed", r)
		}
	}()
	user.Reset(tok)
}

func mustPanic(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	f()
}

func TestWrongVarPanics(t *testing.T) {
	tok := user.Set("x")
	mustPanic(t, func() { tenant.Reset(tok) })
	user.Reset(tok)
}

// A test without recover is checked like any code.
func TestResetTwice(t *testing.T) {
	tok := user.Set("x")
	user.Reset(tok)
	user.Reset(tok) // want `ErrTokenUsed`
}

// A subtest runs on a goroutine of its own.
func TestSubtestReset(t *testing.T) {
	tok := user.Set("x")
	t.Run("sub", func(t *testing.T) {
		user.Reset(tok) // want `runs in the function testing\.\(\*T\)\.Run runs on another goroutine`
	})
}

func TestCleanupReset(t *testing.T) {
	tok := user.Set("x")
	t.Cleanup(func() { user.Reset(tok) })
}
