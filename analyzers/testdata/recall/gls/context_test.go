package gls

import (
	"fmt"
	"sync"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

func TestContexts(t *testing.T) {
	mgr1 := NewContextManager()
	mgr2 := NewContextManager()

	checkVal := func(v *ctxvar.Var[string], want string) {
		got, ok := v.Lookup()
		if want == "" {
			if ok {
				t.Errorf("expected no value for %s, got %s", v.Name(), got)
			}
			return
		}
		if !ok || got != want {
			t.Errorf("expected value %s for %s, got %s", want, v.Name(), got)
		}
	}

	check := func(m1v1, m1v2, m2v1, m2v2 string) {
		checkVal(key1, m1v1)
		checkVal(key2, m1v2)
		checkVal(otherKey1, m2v1)
		checkVal(otherKey2, m2v2)
	}

	check("", "", "", "")
	mgr2.SetValues(Values{otherKey1: "val1c"}, func() {
		check("", "", "val1c", "")
		mgr1.SetValues(Values{key1: "val1a"}, func() {
			check("val1a", "", "val1c", "")
			mgr1.SetValues(Values{key2: "val1b"}, func() {
				check("val1a", "val1b", "val1c", "")
				var wg sync.WaitGroup
				wg.Add(2)
				go func() { // mistake: barego [func-var]
					defer wg.Done()
					check("", "", "", "")
				}()
				Go(func() { // ok: barego [spawner]
					defer wg.Done()
					check("val1a", "val1b", "val1c", "")
				})
				wg.Wait()
			})
		})
	})
}

// The same with the Vars read directly, and a directive on the goroutine
// that is meant to see nothing.
func TestContextsDirect(t *testing.T) {
	withValue(key1, "a", func() {
		withValue(key2, "b", func() {
			sink(key1.Get(), key2.Get()) // ok: unsetget [var-arg]
			var wg sync.WaitGroup
			wg.Add(3)
			//lint:ignore barego the test checks that a bare goroutine sees no values
			go func() { // ok: barego [directive]
				defer wg.Done()
				_, ok := key1.Lookup()
				sink(ok)
			}()
			go func() { // mistake: barego [go-literal]
				defer wg.Done()
				sink(key2.Get()) // mistake: unsetget [go-literal]
			}()
			Go(func() { // ok: barego [spawner]
				defer wg.Done()
				sink(key1.Get(), key2.Get()) // ok: unsetget [spawner]
			})
			wg.Wait()
		})
	})
	_, ok := key1.Lookup() // ok: unsetget [lookup-guard]
	sink(ok)
	sink(key1.Get()) // mistake: unsetget [reset]
}

func TestHelpers(t *testing.T) {
	sink(readValue(key1))          // mistake: unsetget [var-arg]
	sink(mustGet(key2))            // mistake: unsetget [var-arg]
	sink(ensure(otherKey1, "def")) // ok: unsetget [lookup-guard]
	setValue(key1, "set")
	sink(readValue(key1)) // ok: unsetget [var-arg]
	sink(key1.Get())      // ok: unsetget [var-arg]
	pop := pushValue(key2, "pushed")
	sink(mustGet(key2)) // ok: unsetget [var-arg]
	pop()
	sink(key2.Get()) // mistake: unsetget [reset]

	done := make(chan struct{}, 2)
	go func() { // mistake: barego [var-arg]
		sink(readValue(key1)) // mistake: unsetget [var-arg]
		done <- struct{}{}
	}()
	Go(func() { // ok: barego [spawner]
		sink(readValue(key1)) // ok: unsetget [spawner]
		done <- struct{}{}
	})
	<-done
	<-done
}

// A Copy of the Context, entered with Run: Sets inside persist in it.
func TestCopyRun(t *testing.T) {
	c := ctxvar.Copy()
	c.Run(func() {
		key1.Set("in c") // ok: losttoken [run]
	})
	c.Run(func() {
		sink(key1.Get()) // ok: unsetget [copy-run]
	})
	sink(ctxvar.ValueIn(c, key1))
	sink(key1.Get()) // mistake: unsetget [copy-run]
}

func ExampleContextManager_SetValues() {
	mgr := NewContextManager()

	myLog := func() {
		if id, ok := mgr.GetValue(requestID); ok {
			fmt.Println("My request id is:", id)
		} else {
			fmt.Println("No request id found")
		}
	}

	mgr.SetValues(Values{requestID: "12345"}, func() {
		myLog()
	})
	myLog()

	// Output: My request id is: 12345
	// No request id found
}

func ExampleGo() {
	myLog := func() {
		if id, ok := requestID.Lookup(); ok {
			fmt.Println("My request id is:", id)
		} else {
			fmt.Println("No request id found")
		}
	}

	withValue(requestID, "12345", func() {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // mistake: barego [func-var]
			defer wg.Done()
			myLog()
		}()
		wg.Wait()
		wg.Add(1)
		Go(func() { // ok: barego [spawner]
			defer wg.Done()
			myLog()
		})
		wg.Wait()
		wg.Add(1)
		go myLog() // mistake: barego [func-var]
		wg.Wait()
	})

	// Output: No request id found
	// My request id is: 12345
}

func BenchmarkGetValue(b *testing.B) {
	withValue(key1, "test_val", func() {
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if key1.Get() != "test_val" {
				b.FailNow()
			}
		}
	})
	if key1.Get() != "" { // mistake: unsetget [reset]
		b.FailNow()
	}
}

func BenchmarkSetValues(b *testing.B) {
	mgr := NewContextManager()
	for i := 0; i < b.N/2; i++ {
		mgr.SetValues(Values{key1: "test_val"}, func() {
			mgr.SetValues(Values{key2: "test_val2"}, func() {})
		})
	}
}

func TestServe(t *testing.T) {
	serve([]string{"a", "b"}, func() {
		sink(requestID.Get())
	})
}
