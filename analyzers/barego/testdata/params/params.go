// Package params passes Vars to functions that read or set them: a call
// reads the Var its argument names where the function reads its
// parameter.
package params

import (
	"fmt"
	"time"

	"example.com/barego/paramlib"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var traceVar = ctxvar.New("trace", ctxvar.Default(""))

var metricVar = ctxvar.New("metric", ctxvar.Default(0))

func logWith(v *ctxvar.Var[string]) { // want logWith:"reads param v.Get"
	fmt.Println(v.Get())
}

func total(v *ctxvar.Var[int]) int { // want total:"reads param v.Get"
	return v.Get()
}

func read[V interface{ Get() string }](v V) string { // want read:"reads param v.Get \\(dynamic\\); sets any Var"
	return v.Get()
}

type getter interface{ Get() string }

func readIface(g getter) string { // want readIface:"reads param g.Get \\(dynamic\\); sets any Var"
	return g.Get()
}

// Several parameters: each call binds each.
func both(a, b *ctxvar.Var[string]) { // want both:"reads param a.Get, param b.GetOr"
	fmt.Println(a.Get(), b.GetOr("?"))
}

// A literal that reads its parameter, started with its argument.
func literal() {
	go func(v *ctxvar.Var[string]) { // want `traceVar.Get sees none of the caller's values`
		fmt.Println(v.Get())
	}(traceVar)
}

func positives() {
	go logWith(traceVar)                                     // want `^goroutine started with go runs with an empty Context: traceVar.Get sees none of the caller's values; start it with ctxvar.Spawn$`
	time.AfterFunc(time.Second, func() { total(metricVar) }) // want `^time.AfterFunc runs its function on another goroutine with an empty Context: metricVar.Get sees none of the caller's values; wrap the function with ctxvar.Bind$`
	go paramlib.LogWith(paramlib.Trace)                      // want `: paramlib.Trace.Get sees none of the caller's values;`
	go paramlib.Forward(traceVar)                            // want `: traceVar.Get sees none of the caller's values;`
	go paramlib.Total(metricVar)                             // want `: metricVar.GetOr sees none of the caller's values;`
	go paramlib.RegionOf(&paramlib.Config)                   // want `: paramlib.Config.Region.Get sees none of the caller's values;`
	go paramlib.Config.CurrentRegion()                       // want `: paramlib.Config.Region.Get sees none of the caller's values;`
	go both(traceVar, paramlib.Trace)                        // want `: paramlib.Trace.GetOr and traceVar.Get see none of the caller's values;`
	go func() {                                              // want `: traceVar.Get sees none of the caller's values;`
		_ = paramlib.Read(traceVar)
	}()
	go read(traceVar)      // want `: traceVar.Get sees none of the caller's values;`
	go readIface(traceVar) // want `: traceVar.Get sees none of the caller's values;`
}

// A field read through a value barego cannot name is named by its type,
// as before.
func fieldOfLocal(s *paramlib.Settings) {
	local := s
	go paramlib.RegionOf(local) // want `: paramlib.Settings.Region.Get sees none of the caller's values;`
}

// Negatives.

type fake struct{}

func (fake) Get() string { return "fake" }

func pick() *ctxvar.Var[string] { return traceVar }

func negatives(v *ctxvar.Var[string]) { // want negatives:"carries ctxvar.Spawn"
	local := traceVar
	go logWith(local) // a local variable names no Var
	go logWith(pick())
	go logWith(v) // the caller's parameter: its callers pass the Var
	go paramlib.WithValue(traceVar, "x")
	go func() {
		traceVar.Set("x")
		logWith(traceVar)
	}()
	go func() {
		paramlib.Set(traceVar)
		logWith(traceVar)
	}()
	go func() {
		setTrace(traceVar)
		logWith(traceVar)
	}()
	go read(fake{})
	go readIface(fake{})
	go reassigned(traceVar)
	ctxvar.Spawn(func() { logWith(traceVar) })
}

func setTrace(v *ctxvar.Var[string]) { // want setTrace:"sets param v"
	v.Set("trace")
}

// reassigned reads another Var than its caller's: barego cannot name it.
func reassigned(v *ctxvar.Var[string]) {
	v = pick()
	fmt.Println(v.Get())
}

// forward passes its parameter on: its callers' goroutines read it.
func forward(v *ctxvar.Var[string]) { // want forward:"reads param v.Get"
	logWith(v)
}

func viaForward() {
	go forward(traceVar) // want `: traceVar.Get sees none of the caller's values;`
}

type node struct {
	next  *node
	trace *ctxvar.Var[string]
}

// walk and step pass each other a field of their parameter: the paths
// they read stay bounded.
func walk(n *node, depth int) { // want walk:"reads node.trace.Get; reads param n.next.next.trace.Get, param n.trace.Get"
	if depth > 0 {
		step(n.next, depth-1)
	}
	fmt.Println(n.trace.Get())
}

func step(n *node, depth int) { // want step:"reads node.trace.Get; reads param n.next.next.next.trace.Get, param n.next.trace.Get"
	walk(n.next, depth)
}
