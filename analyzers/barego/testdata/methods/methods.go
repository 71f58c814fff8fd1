// Package methods reads Vars through other spellings of the API: method
// expressions, method values held in variables, and type parameters
// instantiated with a *ctxvar.Var.
package methods

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

func methodExpressions() {
	go func() { // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
		fmt.Println((*ctxvar.Var[string]).Get(requestID))
	}()
	go (*ctxvar.Var[string]).GetOr(requestID, "?") // want `: requestID.GetOr sees none of the caller's values;`
	get := (*ctxvar.Var[string]).Get
	go func() { // want `: requestID.Get sees none of the caller's values;`
		fmt.Println(get(requestID))
	}()
}

func methodValues() {
	get := requestID.Get
	go func() { // want `: requestID.Get sees none of the caller's values;`
		fmt.Println(get())
	}()
	go get() // want `: requestID.Get sees none of the caller's values;`
	lookup := requestID.Lookup
	go func() { // want `: requestID.Lookup sees none of the caller's values;`
		_, _ = lookup()
	}()
}

func generic[V interface{ Get() string }](v V) string { // want generic:"reads param v.Get \\(dynamic\\); sets any Var"
	return v.Get()
}

func typeParameters() {
	go generic(requestID) // want `: requestID.Get sees none of the caller's values;`
	go func() {           // want `: requestID.Get sees none of the caller's values;`
		fmt.Println(generic[*ctxvar.Var[string]](requestID))
	}()
}

// Negatives.

type fakeVar struct{}

func (fakeVar) Get() string { return "fake" }

func notVars() {
	go generic(fakeVar{})
	var g interface{ Get() string } = requestID
	go func() { fmt.Println(g.Get()) }() // through an interface value: unseen
	v := requestID
	get := v.Get
	go get() // a Var in a local variable: unnamed
}

// forwardGeneric passes its type parameter on: only its callers know
// whether it holds a Var.
func forwardGeneric[V interface{ Get() string }](v V) { // want forwardGeneric:"reads param v.Get \\(dynamic\\); sets any Var"
	fmt.Println(generic(v))
}

func viaForward() {
	go forwardGeneric(requestID) // want `: requestID.Get sees none of the caller's values;`
	go forwardGeneric(fakeVar{})
}

// Set through a method value before the read: the goroutine's own value.
func setFirst() {
	set := requestID.Set
	go func() {
		set("mine")
		fmt.Println(requestID.Get())
	}()
}
