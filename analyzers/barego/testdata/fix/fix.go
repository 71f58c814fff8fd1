// Package fix has one go statement or launcher call per shape of
// suggested fix; fix.go.golden is the fixed file.
package fix

import (
	"fmt"
	"runtime"
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

func send(ch chan<- string, msg string, n int) { // want send:"reads requestID.Get"
	for range n {
		ch <- msg + requestID.Get()
	}
}

func sum(xs ...int) int { // want sum:"reads requestID.Get"
	logID()
	return len(xs)
}

func check() error { // want check:"reads requestID.Get"
	logID()
	return nil
}

func generic[T any](x T) { // want generic:"reads requestID.Get"
	fmt.Println(x)
	logID()
}

type server struct{ name string }

func (s *server) run() { // want run:"reads requestID.Get"
	fmt.Println(s.name)
	logID()
}

func (s *server) handle(n int) error { // want handle:"reads requestID.Get"
	fmt.Println(s.name, n)
	logID()
	return nil
}

func next() *server { return &server{name: "next"} }

func pair() (chan<- string, string, int) { return nil, "", 0 }

func literal() {
	go func() { // want `start it with ctxvar.Spawn`
		fmt.Println(requestID.Get())
	}()
}

func named() {
	go logID() // want `start it with ctxvar.Spawn`
}

func methodValue(s *server) {
	go s.run()      // want `start it with ctxvar.Spawn`
	go next().run() // want `start it with ctxvar.Spawn`
}

func arguments(ch chan<- string, msg string) {
	go send(ch, msg, 3)        // want `start it with ctxvar.Spawn`
	go send(ch, "constant", 1) // want `start it with ctxvar.Spawn`
	a0 := "taken"
	go send(ch, a0, len(a0)) // want `start it with ctxvar.Spawn`
}

func methodArguments(s *server, n int) {
	go s.handle(n) // want `start it with ctxvar.Spawn`
	f := 1
	go s.handle(f) // want `start it with ctxvar.Spawn`
}

func literalArguments(i int) {
	go func(i int) { // want `start it with ctxvar.Spawn`
		fmt.Println(i, requestID.Get())
	}(i)
}

func results() {
	go check() // want `start it with ctxvar.Spawn`
}

func generics(x float64) {
	go generic(x)            // want `start it with ctxvar.Spawn`
	go generic[string]("go") // want `start it with ctxvar.Spawn`
	go (generic[int])(1)     // want `start it with ctxvar.Spawn`
}

func variadic(xs []int) {
	go sum(xs...)   // want `start it with ctxvar.Spawn`
	go sum(1, 2, 3) // want `start it with ctxvar.Spawn`
}

func methodExpression(s *server) {
	go (*server).run(s) // want `start it with ctxvar.Spawn`
}

// No fix: binding would change the argument's type, or split a call.
func noFix(x, y int, n uint) {
	go setFlag(x == y)   // want `start it with ctxvar.Spawn`
	go setFlag(!(x < y)) // want `start it with ctxvar.Spawn`
	go setSize(1 << n)   // want `start it with ctxvar.Spawn`
	go send(pair())      // want `start it with ctxvar.Spawn`
	go generic(x == y)   // want `start it with ctxvar.Spawn`
}

// A conversion is typed: it can be bound.
func conversion(x, y int) {
	go setSize(size(x + y)) // want `start it with ctxvar.Spawn`
}

type flag bool

func setFlag(f flag) { // want setFlag:"reads requestID.Get"
	_ = f
	logID()
}

type size int64

func setSize(s size) { // want setSize:"reads requestID.Get"
	_ = s
	logID()
}

func launchers(t *testing.T, s *server) {
	var g errgroup.Group
	g.Go(func() error { // want `wrap the function with ctxvar.BindErr`
		logID()
		return nil
	})
	g.Go(check) // want `wrap the function with ctxvar.BindErr`
	var wg sync.WaitGroup
	wg.Go(logID)                       // want `wrap the function with ctxvar.Bind`
	time.AfterFunc(time.Second, s.run) // want `wrap the function with ctxvar.Bind`
	t.Run("sub", func(t *testing.T) {  // want `wrap the function with ctxvar.BindArg`
		t.Log(requestID.Get())
	})
	async(logID) // want `wrap the function with ctxvar.Bind`
	wg.Wait()
	_ = g.Wait()
}

type task func()

func async(fn task) { // want async:"runs fn on another goroutine"
	go fn()
}

func goT[T any](fn func(T), v T) { // want goT:"runs fn on another goroutine"
	go fn(v)
}

type box[T any] struct{ v T }

func (bx *box[T]) show() { // want show:"reads requestID.Get"
	fmt.Println(bx.v)
	logID()
}

func generics2(bx *box[string]) {
	goT(func(x int) { logID() }, 1) // want `wrap the function with ctxvar.BindArg`
	p := new(int)
	runtime.AddCleanup(p, func(x int) { logID() }, 1) // want `^runtime.AddCleanup runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindArg$`
	go bx.show()                                      // want `start it with ctxvar.Spawn`
}
