// Package funcvals starts functions held in local variables, struct
// literals and slice literals: barego starts what the variable may hold
// where the goroutine starts, and reports only when each function it may
// hold reads Vars.
package funcvals

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

func logID() { // want logID:"reads requestID.Get"
	fmt.Println(requestID.Get())
}

func quiet() { fmt.Println("quiet") }

func pick() func() { return logID }

type server struct{ name string }

func (s *server) run() { // want run:"reads requestID.Get"
	fmt.Println(s.name, requestID.Get())
}

type handlers struct{ start, stop func() }

func literalVar() {
	work := func() { logID() }
	go work() // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
}

func namedVar() {
	work := logID
	go work() // want `requestID.Get sees none of the caller's values`
}

func methodValueVar(s *server) {
	work := s.run
	go work() // want `requestID.Get sees none of the caller's values`
}

func launchers(t *testing.T) {
	work := func() { logID() }
	check := func() error { logID(); return nil }
	sub := func(t *testing.T) { t.Log(requestID.Get()) }
	var g errgroup.Group
	g.Go(check) // want `^errgroup.\(\*Group\).Go runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindErr$`
	var wg sync.WaitGroup
	wg.Go(work)                       // want `^sync.\(\*WaitGroup\).Go runs its function .*; wrap the function with ctxvar.Bind$`
	time.AfterFunc(time.Second, work) // want `^time.AfterFunc runs its function .*; wrap the function with ctxvar.Bind$`
	t.Run("sub", sub)                 // want `^testing.\(\*T\).Run runs its function .*; wrap the function with ctxvar.BindArg$`
	wg.Wait()
	_ = g.Wait()
}

// Each function the variable may hold reads Vars.
func severalPaths(verbose bool, s *server) {
	work := logID
	if verbose {
		work = s.run
	}
	go work() // want `requestID.Get sees none of the caller's values`
}

// The go statement evaluates work before the assignment after it.
func assignedAfter() {
	work := logID
	go work() // want `requestID.Get sees none of the caller's values`
	work = quiet
	work()
}

func calledInside() {
	work := func() { logID() }
	go func() { // want `requestID.Get sees none of the caller's values`
		work()
	}()
}

func structFields() {
	h := handlers{start: logID, stop: quiet}
	go h.start() // want `requestID.Get sees none of the caller's values`
	go h.stop()
	p := &handlers{func() { logID() }, nil}
	go p.start() // want `requestID.Get sees none of the caller's values`
}

func sliceElements() {
	tasks := []func(){logID, func() { logID() }}
	for _, task := range tasks {
		go task() // want `requestID.Get sees none of the caller's values`
	}
	go tasks[1]() // want `requestID.Get sees none of the caller's values`
	for _, task := range []func(){logID} {
		go task() // want `requestID.Get sees none of the caller's values`
	}
}

// Negatives: a function the variable may hold does not read Vars, or
// barego cannot tell what it holds.

func onePathQuiet(verbose bool) {
	work := quiet
	if verbose {
		work = logID
	}
	go work()
}

func nilOnOnePath(verbose bool) {
	var work func()
	if verbose {
		work = logID
	}
	go work()
}

func fromParam(f func()) {
	work := f
	go work()
}

func fromCall() {
	work := pick()
	go work()
}

func assignedInClosure() {
	work := logID
	func() { work = quiet }()
	go work()
}

func addressTaken() {
	work := logID
	p := &work
	*p = quiet
	go work()
}

// The literal reads work when it runs, after the assignment.
func capturedThenAssigned() {
	work := logID
	go func() { work() }()
	work = quiet
}

func fieldAssigned() {
	h := handlers{start: logID}
	h.start = quiet
	go h.start()
}

func sliceShared() {
	tasks := []func(){logID}
	replace(tasks)
	go tasks[0]()
}

func replace(tasks []func()) { tasks[0] = quiet }

func mapElement() {
	m := map[string]func(){"log": logID}
	go m["log"]()
}

func rangeParam(tasks []func()) {
	for _, task := range tasks {
		go task()
	}
}

func gapInArray(i int) {
	tasks := [2]func(){logID}
	go tasks[i]()
}

// Started with Spawn, or bound: fine.
func spawned(t *testing.T) { // want spawned:"carries ctxvar.Bind, ctxvar.BindArg, ctxvar.Spawn"
	work := logID
	ctxvar.Spawn(work)
	var wg sync.WaitGroup
	wg.Go(ctxvar.Bind(work))
	sub := func(t *testing.T) { t.Log(requestID.Get()) }
	t.Run("sub", ctxvar.BindArg(sub))
	wg.Wait()
}

// In a loop, the assignment at the end reaches the go statement again.
func loopAssigned() {
	work := logID
	for range 3 {
		go work()
		work = quiet
	}
}
