// Package b holds removed and Python-style calls that have no mechanical
// fix, and names that only look like them.
package b

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var count = ctxvar.New[int]("count")

func deleted() {
	requestID.Delete()            // want `requestID\.Delete was removed, as aiocontextvars 0\.2 removed ContextVar\.delete: a value is undone by resetting the token of the Set that gave it; keep tok := requestID\.Set\(x\) and call requestID\.Reset\(tok\)`
	requestID.delete()            // want `requestID\.delete was removed`
	ctxvar.New[int]("x").Delete() // want `ctxvar\.New\[int\]\("x"\)\.Delete was removed`
	defer count.Delete()          // want `count\.Delete was removed`
	f := requestID.Delete         // want `requestID\.Delete was removed`
	_ = f
}

func genericDelete[T any](v *ctxvar.Var[T]) {
	v.Delete() // want `v\.Delete was removed`
}

func withoutToken() {
	requestID.Reset() // want `requestID\.Reset needs the token returned by the Set to undo: keep tok := requestID\.Set\(x\) and call requestID\.Reset\(tok\)`
	requestID.reset() // want `requestID\.reset does not exist`
}

func inheritNotAStatement(loop any) {
	ctxvar.EnableInherit(loop)                // want `EnableInherit was removed`
	if ctxvar.DisableInherit(); loop == nil { // want `DisableInherit was removed`
		return
	}
	defer ctxvar.EnableInherit()    // want `EnableInherit was removed`
	toggle := ctxvar.DisableInherit // want `DisableInherit was removed`
	_ = toggle
label:
	ctxvar.EnableInherit() // want `EnableInherit was removed`
	goto label
}

func wrongTypes() {
	fmt.Println(requestID.Get(42))  // want `requestID\.Get takes no argument`
	fmt.Println(count.Get(1.5))     // want `count\.Get takes no argument`
	fmt.Println(count.get(1 << 70)) // want `count\.get does not exist`
	fmt.Println(count.get(1, 2))    // want `count\.get does not exist`
	fmt.Println(requestID.get)      // want `requestID\.get does not exist`
	count.set("x")                  // want `count\.set does not exist`
	other := requestID.Set("x")
	count.reset(other)         // want `count\.reset does not exist`
	requestID.name = "renamed" // want `requestID\.name does not exist`
}

func python() {
	v := ctxvar.ContextVar("untyped")                                   // want `ctxvar\.ContextVar does not exist`
	w := ctxvar.NewVar("mixed", ctxvar.Default(1), ctxvar.Default("x")) // want `ctxvar\.NewVar does not exist`
	_, _ = v, w
	ctxvar.Run(work, 1)                  // want `ctxvar\.Run does not exist`
	ctxvar.run(nil)                      // want `ctxvar\.run does not exist`
	ctxvar.Go(work, 2)                   // want `ctxvar\.Go does not exist`
	ctxvar.Set("requestID", "r-1")       // want `ctxvar\.Set does not exist: ctxvar has no string-keyed store like aiotask-context's context\.set\(key, value\); declare a Var per key at package level, as key = ctxvar\.New\[T\]\("key"\), and call key\.Set\(value\)`
	fmt.Println(ctxvar.Get("requestID")) // want `ctxvar\.Get does not exist: ctxvar has no string-keyed store like aiotask-context's context\.get\(key\)`
	c := ctxvar.Copy()
	c.Run(greet, "world")         // want `c\.Run takes only a func\(\): Python's ctx\.run\(fn, \*args\) is c\.Run\(func\(\) \{ fn\(args\.\.\.\) \}\) in Go`
	fmt.Println(c.get(requestID)) // want `c\.get does not exist: Python's ctx\.get\(var\) is ctxvar\.ValueIn\(c, var\) in Go, which also reports whether var has a value in c`
	fmt.Println(c.Get(requestID)) // want `c\.Get does not exist: Python's ctx\.get\(var\) is ctxvar\.ValueIn\(c, var\) in Go`
	c.run(greet)                  // want `c\.run does not exist`
}

func work(...int) {}

func greet(string) {}
