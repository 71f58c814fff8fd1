package ctxvar_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// requestID is a context variable. Create Vars once, at package level.
var requestID = ctxvar.New[string]("request_id")

func ExampleNew() {
	tok := requestID.Set("req-42")
	defer requestID.Reset(tok)

	fmt.Println(requestID.Name(), "=", requestID.Get())
	// Output: request_id = req-42
}

func ExampleDefault() {
	level := ctxvar.New("log_level", ctxvar.Default("info"))

	fmt.Println(level.Get())
	tok := level.Set("debug")
	fmt.Println(level.Get())
	level.Reset(tok)
	fmt.Println(level.Get())
	// Output:
	// info
	// debug
	// info
}

func ExampleVar_Get() {
	user := ctxvar.New[string]("user")
	tok := user.Set("alice")
	defer user.Reset(tok)

	fmt.Println(user.Get())
	// Output: alice
}

func ExampleVar_GetOr() {
	retries := ctxvar.New("retries", ctxvar.Default(3))

	// GetOr does not consult the Var's default.
	fmt.Println(retries.Get(), retries.GetOr(0))
	tok := retries.Set(5)
	fmt.Println(retries.Get(), retries.GetOr(0))
	retries.Reset(tok)
	// Output:
	// 3 0
	// 5 5
}

func ExampleVar_Lookup() {
	tenant := ctxvar.New[string]("tenant")

	_, ok := tenant.Lookup()
	fmt.Println(ok)

	tok := tenant.Set("acme")
	name, ok := tenant.Lookup()
	fmt.Println(name, ok)
	tenant.Reset(tok)
	// Output:
	// false
	// acme true
}

func ExampleVar_Set() {
	depth := ctxvar.New("depth", ctxvar.Default(0))

	// Set returns a Token; Reset restores the value from before the Set.
	enter := func() {
		tok := depth.Set(depth.Get() + 1)
		defer depth.Reset(tok)
		fmt.Println("inside:", depth.Get())
	}
	enter()
	enter()
	fmt.Println("after:", depth.Get())
	// Output:
	// inside: 1
	// inside: 1
	// after: 0
}

func ExampleVar_Reset() {
	phase := ctxvar.New[string]("phase")

	t1 := phase.Set("parse")
	t2 := phase.Set("check")

	// Tokens may be reset in any order: each restores its own old value.
	phase.Reset(t2)
	fmt.Println(phase.Get())
	phase.Reset(t1)
	_, ok := phase.Lookup()
	fmt.Println(ok)

	// A token is used once.
	err := func() (err error) {
		defer func() { err, _ = recover().(error) }()
		phase.Reset(t1)
		return nil
	}()
	fmt.Println(errors.Is(err, ctxvar.ErrTokenUsed))
	// Output:
	// parse
	// false
	// true
}

func ExampleToken_OldValue() {
	attempt := ctxvar.New[int]("attempt")

	t1 := attempt.Set(1)
	old, ok := t1.OldValue()
	fmt.Println(old, ok) // no value before: Python's Token.MISSING

	t2 := attempt.Set(2)
	old, ok = t2.OldValue()
	fmt.Println(old, ok)

	attempt.Reset(t2)
	attempt.Reset(t1)
	// Output:
	// 0 false
	// 1 true
}

func ExampleToken_Var() {
	locale := ctxvar.New[string]("locale")

	tok := locale.Set("fr")
	fmt.Println(tok.Var() == locale, tok.Var().Name())
	tok.Var().Reset(tok)
	// Output: true locale
}

func ExampleCopy() {
	color := ctxvar.New[string]("color")
	t1 := color.Set("red")

	snap := ctxvar.Copy() // a snapshot: later Sets do not change it
	t2 := color.Set("blue")

	inSnap, _ := ctxvar.ValueIn(snap, color)
	fmt.Println(inSnap, color.Get())
	snap.Run(func() { fmt.Println("in snapshot:", color.Get()) })

	color.Reset(t2)
	color.Reset(t1)
	// Output:
	// red blue
	// in snapshot: red
}

func ExampleContext_Run() {
	mode := ctxvar.New("mode", ctxvar.Default("normal"))
	ctx := ctxvar.Copy()

	ctx.Run(func() {
		mode.Set("safe") // persists in ctx
		fmt.Println("in ctx:", mode.Get())
	})
	fmt.Println("outside:", mode.Get())
	ctx.Run(func() { fmt.Println("in ctx again:", mode.Get()) })
	// Output:
	// in ctx: safe
	// outside: normal
	// in ctx again: safe
}

func ExampleContext_Copy() {
	n := ctxvar.New[int]("n")
	base := ctxvar.Copy()
	base.Run(func() { n.Set(1) })

	fork := base.Copy()
	fork.Run(func() { n.Set(2) })

	a, _ := ctxvar.ValueIn(base, n)
	b, _ := ctxvar.ValueIn(fork, n)
	fmt.Println(a, b)
	// Output: 1 2
}

func ExampleContext_Len() {
	user := ctxvar.New[string]("user")
	debug := ctxvar.New("debug", ctxvar.Default(false))

	ctx := ctxvar.Copy()
	fmt.Println(ctx.Len())
	ctx.Run(func() {
		fmt.Println(debug.Get()) // a default is not a value in the Context
		user.Set("alice")
		fmt.Println(ctx.Len())
	})
	// Output:
	// 0
	// false
	// 1
}

func ExampleValueIn() {
	host := ctxvar.New("host", ctxvar.Default("localhost"))
	ctx := ctxvar.Copy()

	_, ok := ctxvar.ValueIn(ctx, host) // defaults are ignored
	fmt.Println(ok)

	ctx.Run(func() { host.Set("example.com") })
	h, ok := ctxvar.ValueIn(ctx, host)
	fmt.Println(h, ok)
	// Output:
	// false
	// example.com true
}

func ExampleSpawn() {
	user := ctxvar.New[string]("user")
	tok := user.Set("alice")

	var wg sync.WaitGroup
	wg.Add(1)
	parentSet := make(chan struct{})
	ctxvar.Spawn(func() {
		defer wg.Done()
		<-parentSet
		fmt.Println("child sees:", user.Get()) // the value at Spawn
		tk := user.Set("carol")
		fmt.Println("child set:", user.Get())
		user.Reset(tk)
	})
	tok2 := user.Set("bob") // after Spawn: the child does not see it
	close(parentSet)
	wg.Wait()
	fmt.Println("parent sees:", user.Get()) // nor does the parent see the child's Set

	user.Reset(tok2)
	user.Reset(tok)
	// Output:
	// child sees: alice
	// child set: carol
	// parent sees: bob
}

func ExampleBind() {
	trace := ctxvar.New[string]("trace")

	tok := trace.Set("t-1")
	callback := ctxvar.Bind(func() {
		fmt.Println("callback sees:", trace.Get())
		trace.Set("changed") // only in this call's copy
	})
	trace.Reset(tok)

	// A worker goroutine runs the callback, as an event loop or pool would.
	work := make(chan func())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := range work {
			f()
		}
	}()
	work <- callback
	work <- callback
	close(work)
	<-done

	_, ok := trace.Lookup()
	fmt.Println("caller has a trace:", ok)
	// Output:
	// callback sees: t-1
	// callback sees: t-1
	// caller has a trace: false
}

func ExampleBindErr() {
	requestID := ctxvar.New[string]("request_id")

	tok := requestID.Set("req-7")
	// errgroup.Group.Go and similar take a func() error and run it on
	// another goroutine; BindErr carries the caller's Context into it.
	task := ctxvar.BindErr(func() error {
		return fmt.Errorf("fetch failed for %s", requestID.Get())
	})
	requestID.Reset(tok)

	errc := make(chan error)
	go func() { errc <- task() }()
	fmt.Println(<-errc)
	// Output:
	// fetch failed for req-7
}

func ExampleBindArg() {
	tenant := ctxvar.New[string]("tenant")

	tok := tenant.Set("acme")
	// testing.T.Run and similar take a func(A); BindArg carries the
	// caller's Context into each call.
	handle := ctxvar.BindArg(func(job int) {
		fmt.Printf("job %d for %s\n", job, tenant.Get())
	})
	tenant.Reset(tok)

	done := make(chan struct{})
	go func() {
		defer close(done)
		handle(1)
		handle(2)
	}()
	<-done
	// Output:
	// job 1 for acme
	// job 2 for acme
}

func ExampleLookupError() {
	tenant := ctxvar.New[string]("tenant")

	defer func() {
		err, _ := recover().(error)
		var le *ctxvar.LookupError
		if errors.As(err, &le) {
			fmt.Println("no value for", le.Name)
		}
	}()
	tenant.Get() // no value, no default: panics with a *LookupError
	// Output: no value for tenant
}

func ExampleVar_Name() {
	conn := ctxvar.New[int]("db.conn")
	fmt.Println(conn.Name())
	// Output: db.conn
}

func ExampleContext_Run_httpMiddleware() {
	user := ctxvar.New[string]("user")

	// withEmptyContext is the boundary an HTTP server needs: net/http serves
	// the requests of a keep-alive connection one after another on one
	// goroutine, so each request must run in an empty Context of its own.
	// new(ctxvar.Context) is the empty Context. (ctxvar.Copy().Run would
	// copy whatever an earlier request left on the goroutine.)
	withEmptyContext := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			new(ctxvar.Context).Run(func() { next.ServeHTTP(w, r) })
		})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		user.Set(r.URL.Query().Get("user")) // a bug: no Reset
		fmt.Fprintf(w, "/login: user=%s", user.GetOr("(none)"))
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "/whoami: user=%s", user.GetOr("(none)"))
	})
	handler := withEmptyContext(mux) // http.ListenAndServe(addr, handler)

	// Two requests served one after the other on one goroutine, as on a
	// keep-alive connection.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, target := range []string{"/login?user=alice", "/whoami"} {
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			fmt.Println(rec.Body.String())
		}
	}()
	<-done
	// Output:
	// /login: user=alice
	// /whoami: user=(none)
}

func ExampleRunContext() {
	// A library that runs work elsewhere hands over nothing but a
	// context.Context: here context.AfterFunc, whose function runs on a
	// goroutine of its own, which starts with an empty Context.
	defer requestID.Reset(requestID.Set("req-7"))
	ctx, cancel := context.WithCancel(ctxvar.WithCurrent(context.Background()))
	done := make(chan struct{})
	context.AfterFunc(ctx, func() {
		defer close(done)
		fmt.Println("bare:", requestID.GetOr("(none)"))
		ctxvar.RunContext(ctx, func() {
			fmt.Println("in RunContext:", requestID.Get())
		})
	})
	cancel()
	<-done
	// Output:
	// bare: (none)
	// in RunContext: req-7
}

func ExampleContext_String() {
	user := ctxvar.New[string]("user")
	password := ctxvar.New("password", ctxvar.Redacted[string]())

	c := new(ctxvar.Context)
	c.Run(func() {
		user.Set("ada")
		password.Set("hunter2")
		requestID.Set("req-8")
	})
	fmt.Println(c)
	// Output: ctxvar.Context{password: [redacted], request_id: req-8, user: ada}
}

func ExampleContext_All() {
	attempt := ctxvar.New[int]("attempt")

	c := new(ctxvar.Context)
	c.Run(func() {
		requestID.Set("req-9")
		attempt.Set(2)
	})
	for v, val := range c.All() {
		fmt.Printf("%s=%v\n", v.Name(), val)
	}
	// Output:
	// attempt=2
	// request_id=req-9
}

func ExampleRedacted() {
	token := ctxvar.New("auth.token", ctxvar.Redacted[string]())
	defer token.Reset(token.Set("s3cr3t"))

	fmt.Println(token.Get())   // the value itself, for the code that needs it
	fmt.Println(ctxvar.Copy()) // but not in output
	// Output:
	// s3cr3t
	// ctxvar.Context{auth.token: [redacted]}
}
