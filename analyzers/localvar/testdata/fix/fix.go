// Package fix holds the declarations localvar can move to package level.
package fix

import "github.com/ctxvar/ctxvar/ctxvar"

func process() {}

func handle(t string) {
	tenant := ctxvar.New[string]("tenant") // want `ctxvar\.New inside handle`
	defer tenant.Reset(tenant.Set(t))
	process()
}

// withDefault reads a level.
func withDefault() int {
	var level = ctxvar.New("level", ctxvar.Default(3)) // want `ctxvar\.New inside withDefault`
	return level.Get()
}

func inLoop(ns []int) {
	for range ns {
		counter := ctxvar.New("counter", ctxvar.Default(0), ctxvar.Redacted[int]()) // want `ctxvar\.New in a loop in inLoop`
		counter.Set(1)
	}
}

// No fix: the name is a parameter's.
func param(x int) {
	{
		x := ctxvar.New[string]("x") // want `ctxvar\.New inside param`
		x.Set("")
	}
}

var taken = 1

// No fix: the name is taken at package level.
func takenName() {
	taken := ctxvar.New[string]("taken") // want `ctxvar\.New inside takenName`
	taken.Set("")
}

// No fix: two fixes would declare dup.
func twice1() {
	dup := ctxvar.New[string]("dup") // want `ctxvar\.New inside twice1`
	dup.Set("")
}

func twice2() {
	dup := ctxvar.New[string]("dup") // want `ctxvar\.New inside twice2`
	dup.Set("")
}

// No fix: assigned again.
func reassigned() {
	r := ctxvar.New[string]("r") // want `ctxvar\.New inside reassigned`
	r.Set("")
	r = nil
	_ = r
}

// No fix: the name is not a constant.
func nonConst(n string) {
	named := ctxvar.New[string](n) // want `ctxvar\.New inside nonConst`
	named.Set("")
}

// No fix: a local type.
func localType() {
	type T struct{}
	lt := ctxvar.New[T]("lt") // want `ctxvar\.New inside localType`
	lt.Set(T{})
}

// No fix: a type parameter.
func generic[T any](x T) {
	gv := ctxvar.New[T]("gv") // want `ctxvar\.New inside generic`
	gv.Set(x)
}

// No fix: the name is imported by the test file.
func imported() {
	testing := ctxvar.New[string]("testing") // want `ctxvar\.New inside imported`
	testing.Set("")
}

// Two fixes in one function: both declarations move.
func twoInOne() {
	first := ctxvar.New[string]("first") // want `ctxvar\.New inside twoInOne`
	second := ctxvar.New[int]("second")  // want `ctxvar\.New inside twoInOne`
	first.Set("x")
	second.Set(1)
}
