// Package contextcheck translates the test data of the contextcheck linter
// (github.com/kkHAIKE/contextcheck) into ctxvar. contextcheck reports a
// call chain that drops the caller's context.Context: a function that
// makes a new one (context.Background, context.TODO) instead of inheriting
// it. Here the Context flows down calls by itself, and the chain breaks
// where code enters another Context: a Run of a new, empty Context, a
// RunContext of a context.Context that carries no snapshot, a goroutine
// started with go. What was set before is lost, and a Get of a Var without
// a default panics.
package contextcheck

import (
	"context"
	"net/http"
	"slices"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
)

var (
	user      = ctxvar.New[string]("user")
	requestID = ctxvar.New[string]("requestID")
	locale    = ctxvar.New("locale", ctxvar.Default("en"))
)

func sink(...any) {}

type MyString string

type TestInterface interface {
	Test() string
}

type xx struct{}

func newXX() TestInterface { return &xx{} }

func (x xx) Test() string { return "" }

type MyInt int

func (x MyInt) F() int { return int(x) }

// f2 reads user: its callers must have set it.
func f2() {
	sink(user.Get())
}

func f1() {
	defer user.Reset(user.Set("f1"))
	defer f2() // ok: unsetget [defer]
	go f2()    // mistake: barego, unsetget [go-named]
	f2()       // ok: unsetget [interproc]

	tok := user.Set("again") // ok: losttoken [defer]
	f2()                     // ok: unsetget [interproc]
	defer user.Reset(tok)

	newXX().Test()

	f3() // mistake: unsetget@f3 [interproc]
	f6() // mistake: unsetget@f3 [interproc]

	defer func() {
		f2() // ok: unsetget [closure]
	}()

	func() {
		f2() // ok: unsetget [closure]
	}()

	ctxvar.RunContext(context.Background(), f2) // mistake: unsetget [runcontext]

	thunk := MyInt.F
	thunk(0)

	bound := MyInt(0).F
	bound()
}

// f3 runs f2 in a new, empty Context: "should pass the context parameter".
func f3() {
	new(ctxvar.Context).Run(f2) // mistake: unsetget@f3 [empty-run]
}

// f4 switches to an empty Context halfway.
func f4() {
	defer user.Reset(user.Set("f4"))
	f2() // ok: unsetget [interproc]
	c := new(ctxvar.Context)
	c.Run(f2) // mistake: unsetget [empty-run]
}

// f5: a literal called on the spot inherits; a RunContext of Background
// does not.
func f5() {
	defer user.Reset(user.Set("f5"))
	func() {
		f2() // ok: unsetget [closure]
	}()

	ctx := context.Background()
	ctxvar.RunContext(ctx, f2) // mistake: unsetget [runcontext]
}

// f6 reaches the broken link through f3.
func f6() {
	f3() // mistake: unsetget@f3 [interproc]
}

// f7: a helper that sets and hands back the func that resets.
func f7() {
	undo := getNewUser("f7")
	defer undo()

	f2() // ok: unsetget [reset-func]
}

func getNewUser(name string) (undo func()) {
	tok := user.Set(name)
	return func() { user.Reset(tok) }
}

// A copy of the caller's Context keeps its values.
func f7copy() {
	defer user.Reset(user.Set("copy"))
	c := ctxvar.Copy()
	c.Run(f2)                                                       // ok: unsetget [copy-run]
	ctxvar.RunContext(ctxvar.WithCurrent(context.Background()), f2) // ok: unsetget [runcontext]
}

/* ----------------- http ----------------- */

func f8(w http.ResponseWriter, r *http.Request) {
	sink(requestID.Get(), user.Get())
}

func f9(w http.ResponseWriter, r *http.Request) {
	defer user.Reset(user.Set(r.Header.Get("X-User")))
	f8(w, r)                                                     // ok: unsetget [http]
	ctxvar.RunContext(context.Background(), func() { f8(w, r) }) // mistake: unsetget [runcontext]
}

func f10(in bool, w http.ResponseWriter, r *http.Request) {
	ctxvar.RunContext(r.Context(), func() { f8(w, r) }) // ok: unsetget [runcontext]
	new(ctxvar.Context).Run(func() { f8(w, r) })        // mistake: unsetget [empty-run]
}

// f14 carries a directive with a reason: its finding is suppressed.
func f14(w http.ResponseWriter, r *http.Request) {
	//lint:ignore unsetget the test server sets both Vars in a Base Context
	new(ctxvar.Context).Run(func() { f8(w, r) }) // ok: unsetget [directive]
}

func f11() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		defer user.Reset(user.Set("web"))
		f8(w, r)                                     // ok: unsetget [http]
		new(ctxvar.Context).Run(func() { f8(w, r) }) // mistake: unsetget [empty-run]
		f9(w, r)
		f10(true, w, r)
	})
	return ctxvarhttp.Handler(mux, ctxvarhttp.RequestID(requestID, ""))
}

// A handler that starts work on a bare goroutine loses the request's
// Context, middleware or not.
func f15(w http.ResponseWriter, r *http.Request) {
	go f8(w, r) // mistake: barego, unsetget [go-named]
	done := make(chan struct{})
	ctxvar.Spawn(func() { // ok: barego [spawn]
		defer close(done)
		sink(requestID.Get()) // ok: unsetget [spawn]
	})
	<-done
}

/* ----------------- generics ----------------- */

type MySlice[T int | float32] []T

func (s MySlice[T]) f12() T {
	var sum T
	for _, value := range s {
		sum += value
	}
	sink(user.Get())
	return sum
}

func f13[T int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 | uint64 | float32 | float64](a, b T) T {
	sink(locale.Get())
	if a > b {
		return a
	}
	return b
}

func generics(s MySlice[int]) {
	defer user.Reset(user.Set("gen"))
	sink(s.f12())                          // ok: unsetget [generic]
	go s.f12()                             // mistake: barego, unsetget [generic]
	go f13(1, 2)                           // mistake: barego [generic]
	go f13[float64](1, 2)                  // mistake: barego [generic]
	ctxvar.Spawn(func() { sink(s.f12()) }) // ok: barego, unsetget [spawn]
}

/* ----------------- issue 21: returned closures ----------------- */

func f16(k string) func() {
	return func() {
		ctxvar.RunContext(context.Background(), func() { sink(k, user.Get()) }) // mistake: unsetget [closure-return]
	}
}

func f17(k string) func() func() {
	return func() func() {
		return func() {
			new(ctxvar.Context).Run(func() { sink(k, user.Get()) }) // mistake: unsetget [closure-return]
		}
	}
}

// The closure that f18 returns reads user: started with go, it panics.
func f18(k string) func() {
	return func() {
		sink(k, user.Get()) // mistake: unsetget@ret [closure-return]
	}
}

func useReturned() {
	defer user.Reset(user.Set("ret"))
	f18("k")()                          // ok: unsetget [closure-return]
	go f18("k")()                       // mistake: barego, unsetget@ret [closure-return]
	ctxvar.Spawn(f18("k"))              // ok: barego [closure-return]
	ctxvar.Spawn(ctxvar.Bind(f16("k"))) // ok: barego [bind]
}

/* ----------------- range over iter.Seq ----------------- */

func fIterSeq() {
	seq := slices.Values([]any{"a"})
	for range seq {
		tok := user.Set("iter") // ok: losttoken [iterator]
		defer user.Reset(tok)
	}
	for range seq {
		user.Set("leak") // mistake: losttoken [iterator]
	}
}

// The body of a range-over-func loop runs on the goroutine of the loop.
func fIterBody() {
	defer user.Reset(user.Set("body"))
	for v := range slices.Values([]string{"a", "b"}) {
		sink(v, user.Get()) // ok: unsetget [iterator]
	}
}
