// Package loopclosure translates the test data of go vet's loopclosure
// analyzer into ctxvar. There, a goroutine started in a loop captures the
// loop variable; here the loop Sets a context variable for each iteration
// and the goroutine reads it. Per-iteration loop variables fixed the
// original mistake in Go 1.22; nothing fixes this one but ctxvar.Spawn
// (or ctxvar.Bind), which take the iteration's Context along, as `i := i`
// took the iteration's value.
package loopclosure

import (
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// item has no default; key has one.
var (
	item = ctxvar.New[int]("item")
	key  = ctxvar.New("key", ctxvar.Default(""))
)

func sink(...any) {}

func rangeLoops(s []int) {
	for i, v := range s {
		tok := item.Set(v) // ok: losttoken [loop]
		go func() {        // mistake: barego [loop]
			println(i, item.Get()) // mistake: unsetget [loop]
		}()
		item.Reset(tok)
	}
	for i, v := range s {
		tok := item.Set(v) // ok: losttoken [loop]
		defer func() {
			println(i, item.Get()) // ok: unsetget [defer]
			item.Reset(tok)
		}()
	}
	for i := range s {
		tok := key.Set(string(rune('a' + i))) // ok: losttoken [loop]
		go func() {                           // mistake: barego [loop]
			println(key.Get()) // ok: unsetget [default]
		}()
		key.Reset(tok)
	}
	for _, v := range s {
		item.Set(v) // mistake: losttoken [loop]
		go func() { // mistake: barego [loop]
			println(item.Get()) // mistake: unsetget [loop]
		}()
	}
	// The fixes: pass the value, or take the Context along.
	for _, v := range s {
		tok := item.Set(v) // ok: losttoken [loop]
		go func(n int) {   // ok: barego [go-args]
			println(n)
		}(item.Get()) // ok: unsetget [go-args]
		ctxvar.Spawn(func() { // ok: barego [spawn]
			println(item.Get()) // ok: unsetget [spawn]
		})
		go ctxvar.Bind(func() { // ok: barego [bind]
			println(item.Get()) // ok: unsetget [bind]
		})()
		item.Reset(tok)
	}
}

// Ordinary for loops.
func forLoops(n int) {
	for i := 0; i < n; i++ {
		tok := item.Set(i) // ok: losttoken [loop]
		go func() {        // mistake: barego [loop]
			print(item.Get()) // mistake: unsetget [loop]
		}()
		item.Reset(tok)
	}
	for i, j := 0, 1; i < 100; i, j = j, i+j {
		tok := item.Set(j) // mistake: losttoken [loop]
		if j%2 == 0 {
			continue
		}
		go func() { // mistake: barego [loop]
			print(item.GetOr(-1)) // ok: unsetget [getor]
		}()
		item.Reset(tok)
	}
}

type cons struct {
	car int
	cdr *cons
}

func list(head *cons) {
	for p := head; p != nil; p = p.cdr {
		item.Set(p.car) // mistake: losttoken [loop]
		go func() {     // mistake: barego [loop]
			print(item.Get()) // mistake: unsetget [loop]
		}()
	}
}

// Nested loops and the last statements of branches.
func nested() {
	defer item.Reset(item.Set(0))
	for i := range "outer" {
		tok := item.Set(i) // ok: losttoken [loop]
		for j := range "inner" {
			if j < 1 {
				defer func() {
					print(item.Get()) // ok: unsetget [defer]
				}()
			} else if j < 2 {
				go func() { // mistake: barego [branch]
					print(item.Get()) // mistake: unsetget [branch]
				}()
			} else {
				go func() { // mistake: barego [branch]
					print(key.Get())
				}()
				println("the statement after the go does not change anything")
			}
		}
		item.Reset(tok)
	}
}

func nestedSwitches() {
	defer item.Reset(item.Set(0))
	for i := 0; i < 10; i++ {
		tok := item.Set(i) // ok: losttoken [loop]
		for j := 0; j < 10; j++ {
			if j < 1 {
				switch j {
				case 0:
					defer func() {
						print(item.Get()) // ok: unsetget [defer]
					}()
				default:
					go func() { // mistake: barego [branch]
						print(item.Get()) // mistake: unsetget [branch]
					}()
				}
			} else if j < 2 {
				var a interface{} = j
				switch a.(type) {
				case int:
					defer func() {
						print(item.Get()) // ok: unsetget [defer]
					}()
				default:
					go func() { // mistake: barego [branch]
						print(item.Get()) // mistake: unsetget [branch]
					}()
				}
			} else {
				ch := make(chan string)
				select {
				case <-ch:
					defer func() {
						print(item.Get()) // ok: unsetget [defer]
					}()
				default:
					go func() { // mistake: barego [branch]
						print(item.Get()) // mistake: unsetget [branch]
					}()
				}
			}
		}
		item.Reset(tok)
	}
}

// Group is not errgroup's: its Go runs the function at once, on the
// caller's goroutine.
type Group struct{}

func (g *Group) Go(fn func() error) { _ = fn() }

// Pool is not errgroup's either, but its Go starts a goroutine: a launcher.
type Pool struct{ wg sync.WaitGroup }

func (p *Pool) Go(fn func() error) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		_ = fn()
	}()
}

func groups(s []int) {
	g := new(errgroup.Group)
	for _, v := range s {
		tok := item.Set(v)  // ok: losttoken [loop]
		g.Go(func() error { // mistake: barego [launcher-errgroup]
			print(item.Get()) // mistake: unsetget [launcher-errgroup]
			return nil
		})
		item.Reset(tok)
	}

	for i, v := range s {
		tok := item.Set(v) // ok: losttoken [loop]
		if i > 0 {
			g.Go(func() error { // mistake: barego [launcher-errgroup]
				print(item.Get()) // mistake: unsetget [launcher-errgroup]
				return nil
			})
		} else {
			g.Go(func() error { // mistake: barego [launcher-errgroup]
				print(key.Get())
				return nil
			})
		}
		item.Reset(tok)
	}

	g1 := new(Group)
	for _, v := range s {
		tok := item.Set(v)   // ok: losttoken [loop]
		g1.Go(func() error { // ok: barego [lookalike]
			print(item.Get()) // ok: unsetget [lookalike]
			return nil
		})
		item.Reset(tok)
	}

	p := new(Pool)
	for _, v := range s {
		tok := item.Set(v)  // ok: losttoken [loop]
		p.Go(func() error { // mistake: barego [launcher-user]
			print(item.Get()) // mistake: unsetget [launcher-user]
			return nil
		})
		p.Go(ctxvar.BindErr(func() error { // ok: barego [bind]
			print(item.Get()) // ok: unsetget [bind]
			return nil
		}))
		item.Reset(tok)
	}
	_ = g.Wait()
}

// Real-world shape of Go issue #16520.
func critical(nodes []int) {
	critical := new(errgroup.Group)
	others := sync.WaitGroup{}

	isCritical := func(node int) bool { return node > 10 }
	run := func() error {
		sink(item.Get()) // mistake: unsetget@run [func-var]
		return nil
	}

	for _, node := range nodes {
		tok := item.Set(node) // ok: losttoken [loop]
		if isCritical(node) {
			critical.Go(func() error { // mistake: barego [func-var]
				return run() // mistake: unsetget@run [func-var]
			})
		} else {
			others.Add(1)
			go func() { // mistake: barego [func-var]
				_ = run() // mistake: unsetget@run [func-var]
				others.Done()
			}()
		}
		item.Reset(tok)
	}
	_ = critical.Wait()
	others.Wait()
}

// The same with a named function: the read is visible.
func runNode() error {
	sink(item.Get())
	return nil
}

func criticalNamed(nodes []int) {
	critical := new(errgroup.Group)
	for _, node := range nodes {
		tok := item.Set(node)                // ok: losttoken [loop]
		critical.Go(runNode)                 // mistake: barego, unsetget [launcher-errgroup]
		critical.Go(ctxvar.BindErr(runNode)) // ok: barego, unsetget [bind]
		item.Reset(tok)
	}
	_ = critical.Wait()
}

// typeparams.go: generic loops and a launcher behind a type parameter.

func show[T any](data T) {
	print(data, item.Get())
}

func genericLoop[T any](s []T) {
	for _, v := range s {
		tok := key.Set("generic") // ok: losttoken [generic]
		go func() {               // mistake: barego [generic]
			show(v) // mistake: unsetget [generic]
		}()
		key.Reset(tok)
	}
}

func loopVia[P interface{ Go(func() error) }](grp P, s []int) {
	for _, v := range s {
		tok := item.Set(v)    // ok: losttoken [typeparam-constraint]
		grp.Go(func() error { // mistake: barego [typeparam-constraint]
			print(item.Get()) // mistake: unsetget [typeparam-constraint]
			return nil
		})
		item.Reset(tok)
	}
}

func useLoopVia(s []int) {
	g := new(errgroup.Group)
	loopVia(g, s)
	_ = g.Wait()
}

type wrapper[P any] struct {
	a P
}

func fieldGroup(g wrapper[*errgroup.Group], s []int) {
	for _, v := range s {
		tok := item.Set(v)    // ok: losttoken [loop]
		g.a.Go(func() error { // mistake: barego [struct-field]
			print(item.Get()) // mistake: unsetget [struct-field]
			return nil
		})
		item.Reset(tok)
	}
}

// A Var handed to the goroutine as an argument is read there.
func readVar[T any](v *ctxvar.Var[T]) T { return v.Get() }

func varArgument(s []int) {
	for _, v := range s {
		tok := item.Set(v)             // ok: losttoken [loop]
		go func(iv *ctxvar.Var[int]) { // mistake: barego [var-arg]
			print(readVar(iv)) // mistake: unsetget [var-arg]
		}(item)
		go sink(readVar(item)) // ok: barego, unsetget [go-args]
		item.Reset(tok)
	}
}

// A worker per element, its function stored in a slice first.
func workers(s []int) {
	var fns []func()
	for _, v := range s {
		tok := item.Set(v)                                           // ok: losttoken [loop]
		fns = append(fns, func() { print(item.Get()) })              // mistake: unsetget@slice [func-var]
		fns = append(fns, ctxvar.Bind(func() { print(item.Get()) })) // ok: unsetget [bind]
		item.Reset(tok)
	}
	for i, fn := range fns {
		if i%2 == 0 {
			go fn() // mistake: barego, unsetget@slice [func-var]
		}
	}
}
