package a

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var level = ctxvar.New[int]("level")

type Mode int

var mode = ctxvar.New("mode", ctxvar.Default(Mode(0)))

func vars() {
	fmt.Println(requestID.Get("anonymous")) // want `requestID\.Get takes no argument: Python's var\.get\(default\) is requestID\.GetOr\(default\) in Go \(Get falls back to the Var's own default\)`
	fmt.Println(level.Get(3))               // want `level\.Get takes no argument`
	fmt.Println(mode.Get(2))                // want `mode\.Get takes no argument`
	fmt.Println(requestID.get())            // want `requestID\.get does not exist: Python's var\.get\(\) is requestID\.Get\(\) in Go, and var\.get\(default\) is requestID\.GetOr\(default\)`
	fmt.Println(requestID.get("x"))         // want `requestID\.get does not exist`
	tok := requestID.set("id")              // want `requestID\.set does not exist: Python's var\.set\(value\) is requestID\.Set\(value\) in Go; it returns the token that requestID\.Reset takes`
	defer requestID.Reset(tok)
	other := requestID.Set("other")
	requestID.reset(other)        // want `requestID\.reset does not exist: Python's var\.reset\(token\) is requestID\.Reset\(token\) in Go`
	fmt.Println(requestID.name)   // want `requestID\.name does not exist: Python's var\.name is requestID\.Name\(\) in Go`
	fmt.Println(requestID.name()) // want `requestID\.name does not exist`
	n := len(level.name)          // want `level\.name does not exist`
	_ = n
}

func generic[T any](v *ctxvar.Var[T], def T) T {
	return v.Get(def) // want `v\.Get takes no argument`
}

type holder struct {
	v *ctxvar.Var[string]
}

func (h holder) field() string {
	return h.v.get("none") // want `h\.v\.get does not exist`
}

func contexts() {
	c := ctxvar.Copy()
	c.run(func() {}) // want `c\.run does not exist: Python's ctx\.run\(fn\) is c\.Run\(fn\) in Go`
	e := c.copy()    // want `c\.copy does not exist: Python's ctx\.copy\(\) is c\.Copy\(\) in Go`
	e.Run(work)
	fmt.Println(ctxvar.CopyContext().Len()) // want `ctxvar\.CopyContext does not exist: Python's contextvars\.copy_context\(\) is ctxvar\.Copy\(\) in Go`
	_ = ctxvar.copy_context()               // want `ctxvar\.copy_context does not exist`
	ctxvar.Run(work)                        // want `ctxvar\.Run does not exist: Python's contextvars\.copy_context\(\)\.run\(fn\) is ctxvar\.Copy\(\)\.Run\(fn\) in Go, which runs fn in a copy of the current Context`
	ctxvar.Go(func() {                      // want `ctxvar\.Go does not exist: start a goroutine in a copy of the caller's Context with ctxvar\.Spawn\(fn\)`
		fmt.Println(requestID.Get())
	})
}

var (
	named    = ctxvar.NewVar[string]("named")                               // want `ctxvar\.NewVar does not exist: Python's contextvars\.ContextVar\(name\) is ctxvar\.New\[T\]\(name\) in Go, and ContextVar\(name, default=d\) is ctxvar\.New\(name, ctxvar\.Default\(d\)\)`
	withDef  = ctxvar.ContextVar("withDef", ctxvar.Default(1.5))            // want `ctxvar\.ContextVar does not exist`
	explicit = ctxvar.ContextVar[Mode]("explicit", ctxvar.Default(Mode(1))) // want `ctxvar\.ContextVar does not exist`
)

func useVars() {
	fmt.Println(named.GetOr(""), withDef.GetOr(0), explicit.GetOr(0))
}
