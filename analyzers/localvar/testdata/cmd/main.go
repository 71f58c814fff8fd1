// Command cmd makes its Vars in main, which runs once.
package main

import "github.com/ctxvar/ctxvar/ctxvar"

func main() {
	v := ctxvar.New[string]("main")
	defer v.Reset(v.Set("x"))
	go func() {
		w := ctxvar.New[string]("worker")
		w.Set("y")
	}()
	for _, n := range []string{"a", "b"} {
		each := ctxvar.New[string](n) // want `ctxvar\.New in a loop in main makes a new Var at each iteration`
		each.Set(n)
	}
}
