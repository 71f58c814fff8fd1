// Package testinggoroutine translates the test data of go vet's
// testinggoroutine analyzer into ctxvar. There, a call of t.Fatal from a
// goroutine other than the test's is the mistake; here it is a read of a
// context variable from a goroutine that was not started with ctxvar.Spawn
// (or a function not wrapped with ctxvar.Bind): the goroutine starts with
// an empty Context, sees none of the test's values, and a Get of a Var
// without a default panics.
package testinggoroutine

import (
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// user has no default: Get panics where it is unset. trace has one.
var (
	user  = ctxvar.New[string]("user")
	trace = ctxvar.New("trace", ctxvar.Default("-"))
)

func sink(...any) {}

// logUser reads user: a goroutine that runs it needs the Context.
func logUser(t *testing.T, _ string) {
	t.Log(user.Get())
}

// helper is the b.go of the original: it lives in another file than the
// tests that start it.
func helper(t *testing.T) {
	t.Log(user.Get(), trace.Get())
}

// readVia reads any Var through an interface, as helpTB did through
// testing.TB.
func readVia(g interface{ Get() string }) string {
	return g.Get()
}

// readT is a generic function that reads user.
func readT[P any]() string {
	return user.Get()
}

// lookalike has Get and Set methods but is no context variable: calling
// them on any goroutine is fine.
type lookalike struct{ v string }

func (l *lookalike) Get() string { return l.v }

func (l *lookalike) Set(v string) { l.v = v }

type helperType struct{}

func (h *helperType) help(t *testing.T) { t.Log(user.Get()) }

// job holds its work in a field.
type job struct {
	name string
	run  func()
}

var recursing bool
