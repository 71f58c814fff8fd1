package a

import (
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// A test function's own Var: fine.
func TestOwnVar(t *testing.T) {
	v := ctxvar.New[string]("test")
	defer v.Reset(v.Set("x"))
	if v.Get() != "x" {
		t.Fatal("lost")
	}
	w := newVar("helper")
	_ = w.GetOr("")
}

func BenchmarkOwnVar(b *testing.B) {
	v := ctxvar.New("bench", ctxvar.Default(0))
	for b.Loop() {
		_ = v.Get()
	}
}

func ExampleVar() {
	v := ctxvar.New[string]("example")
	v.Set("x")
}

func TestInLoop(t *testing.T) {
	for _, n := range []string{"a", "b"} {
		v := ctxvar.New[string](n) // want `ctxvar\.New in a loop in TestInLoop makes a new Var at each iteration`
		v.Set(n)
	}
}

func TestSubtests(t *testing.T) {
	for _, n := range []string{"a", "b"} {
		t.Run(n, func(t *testing.T) {
			w := newVar(n) // want `newVar returns a new Var at each call, and a function literal in TestSubtests calls it at each of its own calls`
			w.Set(n)
		})
	}
}

// helper is no test function.
func helper() string {
	v := ctxvar.New[string]("helper") // want `ctxvar\.New inside helper makes a new Var at each call`
	return v.GetOr("")
}
