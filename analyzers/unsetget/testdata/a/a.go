package main // want package:"escaped requestID; func values may set requestID\\}$"

// This package is an application: main, init and its tests are entries.

import (
	"fmt"
	"log"
	"os"
	"testing"

	"example.com/unsetget/b"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New[string]("requestID") // want requestID:"^noDefault$"

var withDefault = ctxvar.New("withDefault", ctxvar.Default(0)) // want withDefault:"^hasDefault$"

var initVar = ctxvar.New[int]("initVar") // want initVar:"^noDefault$"

// reassigned is assigned after its declaration: its initializer does not
// tell whether it has a default.
var reassigned = ctxvar.New[string]("reassigned")

func replace() {
	reassigned = ctxvar.New("reassigned", ctxvar.Default("x"))
}

// hook is called through a func value: whatever it may set counts as set
// after any call through one.
var hook = func() { requestID.Set("hook") }

// alias is another name for requestID: a Set through it may set requestID.
var alias = requestID

func init() {
	_ = initVar.Get() // want `^initVar\.Get can panic with a LookupError: initVar has no default and is not set on a path from init; give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first$`
	_ = reassigned.Get()
}

func helper() string { // want helper:"^requires requestID$"
	return requestID.Get()
}

// setRequest sets requestID on every path.
func setRequest(id string) { // want setRequest:"^sets requestID; may set requestID$"
	if id == "" {
		id = "none"
	}
	requestID.Set(id)
}

// mustHave ends the program on the path that does not set requestID.
func mustHave(id string) { // want mustHave:"^sets requestID; may set requestID$"
	if id == "" {
		log.Fatal("no id")
	}
	requestID.Set(id)
}

func fail() { // want fail:"^noReturn$"
	fmt.Println("failing")
	os.Exit(2)
}

func main() {
	_ = requestID.Get()  // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from main; give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first$`
	_ = helper()         // want `^helper calls requestID\.Get \(a\.go:\d+\), which can panic with a LookupError: requestID has no default and is not set on a path from main; give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it before the call$`
	_ = b.Helper()       // want `^b\.Helper calls b\.RequestID\.Get \(b\.go:\d+\), which can panic with a LookupError: b\.RequestID has no default and is not set on a path from main; .* or Set it before the call$`
	_ = b.Deep()         // want `^b\.Deep calls b\.RequestID\.Get \(b\.go:\d+\)`
	_ = b.WithUser("me") // WithUser sets User itself
	_ = withDefault.Get()
	_ = b.TenantName()
	_ = b.Tenant.Get()
	_ = b.Custom.Get()
	_ = b.CustomName()
	_, _ = b.Maybe()
	_ = b.Or()
	_ = requestID.GetOr("none")
	_, _ = requestID.Lookup()

	defer requestID.Reset(requestID.Set("main"))
	_ = requestID.Get()
	_ = helper()

	go func() {
		_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at a\.go:\d+ \(it starts with an empty Context\); give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first \(in the goroutine, or before starting it with ctxvar\.Spawn instead of go\)$`
	}()
	go worker() // want `^worker calls requestID\.Get \(a\.go:\d+\), which can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started at a\.go:\d+ \(it starts with an empty Context\)`
	ctxvar.Spawn(func() {
		_ = requestID.Get()
	})
	ctxvar.Spawn(worker)
	ctxvar.Bind(func() {
		_ = requestID.Get()
	})()

	if len(os.Args) > 2 {
		fail()
	} else {
		b.SetRequest("x")
	}
	_ = b.Helper()
	b.Die("done")
	_ = b.Unused()
}

func worker() { // want worker:"^requires requestID$"
	fmt.Println(requestID.Get())
}

// serve is not an entry, but the goroutine it starts is one.
func serve() { // want serve:"^sets requestID; may set requestID$"
	setRequest("serve")
	go func() {
		_ = requestID.Get() // want `from the goroutine started at a\.go:\d+`
	}()
	_ = requestID.Get()
}

// readVar reads a Var passed as a parameter: which Var is unknown.
func readVar(v *ctxvar.Var[string]) string {
	return v.Get()
}

type holder struct{ v *ctxvar.Var[string] }

func (h holder) read() string {
	return h.v.Get()
}

type server struct{}

func (s *server) work() error { // want work:"^requires requestID$"
	_ = requestID.Get()
	return nil
}

func (s *server) handle() { // want handle:"^requires requestID$"
	_ = requestID.Get()
}

func localGeneric[T any](x T) T { // want localGeneric:"^requires requestID$"
	_ = requestID.Get()
	return x
}

// countdown requires requestID at the bottom of its recursion.
func countdown(n int) string { // want countdown:"^requires requestID$"
	if n == 0 {
		return requestID.Get()
	}
	return countdown(n - 1)
}

// setThenRecurse sets requestID before it recurses.
func setThenRecurse(n int) { // want setThenRecurse:"^sets requestID; may set requestID$"
	requestID.Set("r")
	if n > 0 {
		setThenRecurse(n - 1)
	}
}

type getter interface{ get() string }

type setter interface{ set() }

type impl struct{}

func (impl) get() string { // want get:"^requires requestID$"
	return requestID.Get()
}

func (impl) set() { // want set:"^sets requestID; may set requestID$"
	requestID.Set("impl")
}

// TestShaped has the shape of a test, but outside a _test.go file it is an
// ordinary function, not an entry.
func TestShaped(t *testing.T) { // want TestShaped:"^requires requestID$"
	_ = requestID.Get()
}
