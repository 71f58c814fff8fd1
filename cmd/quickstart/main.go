// Command quickstart walks through ctxvar's semantics on a small simulated
// request: the parent sets a value, children started with Spawn inherit a
// snapshot of it, their own Sets stay their own, Reset restores, and a
// goroutine started with a bare go statement sees only defaults.
//
//	go run ./cmd/quickstart
package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var (
	// requestID has a default, so Get never panics.
	requestID = ctxvar.New("requestID", ctxvar.Default("none"))
	// taskData has no default: Get panics where it has no value, and Lookup
	// reports whether it has one.
	taskData = ctxvar.New[string]("taskData")
)

// log collects the children's lines, which arrive in any order.
type log struct {
	mu    sync.Mutex
	lines []string
}

func (l *log) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *log) flush() {
	sort.Strings(l.lines)
	fmt.Println(strings.Join(l.lines, "\n"))
	l.lines = nil
}

func child(l *log, name string, wg *sync.WaitGroup) {
	defer wg.Done()
	l.printf("  child %s: inherited requestID = %s", name, requestID.Get())
	tok := taskData.Set("data from " + name)
	defer taskData.Reset(tok)
	defer requestID.Reset(requestID.Set("changed by " + name)) // invisible to the parent and the siblings
	l.printf("  child %s: own taskData = %q, own requestID = %q", name, taskData.Get(), requestID.Get())
}

func main() {
	var l log
	fmt.Printf("main: requestID before Set = %s (the default)\n", requestID.Get())

	tok := requestID.Set("req-xyz-123")
	fmt.Printf("main: requestID after Set = %s\n", requestID.Get())

	fmt.Println("main: two children started with ctxvar.Spawn inherit a snapshot:")
	var wg sync.WaitGroup
	for _, name := range []string{"A", "B"} {
		wg.Add(1)
		ctxvar.Spawn(func() { child(&l, name, &wg) })
	}
	// Set after Spawn: the children already hold their snapshot.
	later := requestID.Set("set after the children started")
	wg.Wait()
	l.flush()
	requestID.Reset(later)

	fmt.Println("main: a goroutine started with a bare go statement starts empty:")
	wg.Add(1)
	//lint:ignore barego the quickstart shows that a bare goroutine starts empty
	go func() {
		defer wg.Done()
		_, ok := taskData.Lookup()
		l.printf("  bare goroutine: requestID = %s, taskData set: %v", requestID.Get(), ok)
	}()
	wg.Wait()
	l.flush()

	fmt.Printf("main: requestID after the children = %s (unchanged by them)\n", requestID.Get())
	_, ok := taskData.Lookup()
	fmt.Printf("main: taskData set in main: %v (children's Sets stay theirs)\n", ok)

	requestID.Reset(tok)
	fmt.Printf("main: requestID after Reset = %s\n", requestID.Get())

	func() {
		defer func() { fmt.Printf("main: taskData.Get without a value panics: %v\n", recover()) }()
		taskData.Get()
	}()
}
