package lostcancel

import (
	"github.com/ctxvar/ctxvar/ctxvar"
)

// More places where a Set outlives the code that needed it, beyond the
// shapes of lostcancel's test data.

// Session is long-lived: Login's Set stays in the caller's Context.
type Session struct {
	user  string
	enter func()
}

func (s *Session) Login(u string) {
	s.user = u
	tenant.Set(u) // mistake: losttoken [method]
}

// The token is reset only when a panic is recovered.
func resetOnPanicOnly(id string) {
	tok := requestID.Set(id) // mistake: losttoken [closure]
	defer func() {
		if r := recover(); r != nil {
			requestID.Reset(tok)
			panic(r)
		}
	}()
	_ = process()
}

// The token is reset on the error path only.
func resetOnErrorOnly(id string) error {
	tok := requestID.Set(id) // mistake: losttoken [branch]
	if err := process(); err != nil {
		requestID.Reset(tok)
		return err
	}
	return nil
}

// A worker goroutine that serves one job after another: each job's Set
// is seen by the next.
func startWorker(jobs <-chan string, handle func()) {
	go func() { // ok: barego [set-first]
		for id := range jobs {
			requestID.Set(id) // mistake: losttoken [worker-ctor]
			handle()
		}
	}()
	go func() { // ok: barego [set-first]
		for id := range jobs {
			tok := requestID.Set(id) // ok: losttoken [worker-ctor]
			handle()
			requestID.Reset(tok)
		}
	}()
	go func() { // ok: barego [no-read]
		for id := range jobs {
			new(ctxvar.Context).Run(func() {
				requestID.Set(id) // ok: losttoken [run]
				handle()
			})
		}
	}()
}

// A func literal stored in a struct field, run later.
func (s *Session) prepare(id string) {
	s.enter = func() {
		requestID.Set(id) // mistake: losttoken [struct-field]
	}
}

// A helper kept in a variable: the token it returns is dropped.
func literalHelper(id string) {
	set := func(id string) *ctxvar.Token[string] {
		return requestID.Set(id) // ok: losttoken [func-var]
	}
	set(id)        // mistake: losttoken [func-var]
	tok := set(id) // ok: losttoken [func-var]
	requestID.Reset(tok)
}

// Scoped is a generic helper that returns the func that resets.
func Scoped[T any](v *ctxvar.Var[T], x T) (undo func()) {
	tok := v.Set(x) // ok: losttoken [reset-func]
	return func() { v.Reset(tok) }
}

func useScoped() {
	Scoped(tenant, "t")            // mistake: losttoken [reset-func]
	defer Scoped(depth, 2)()       // ok: losttoken [reset-func]
	undo := Scoped(requestID, "r") // ok: losttoken [reset-func]
	defer undo()
}

// A continue skips the Reset.
func loopContinue(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id) // mistake: losttoken [loop]
		if id == "" {
			continue
		}
		_ = process()
		requestID.Reset(tok)
	}
}

// Each iteration has its own tok, and its own deferred Reset.
func loopDeferClosure(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id) // ok: losttoken [loop]
		defer func() { requestID.Reset(tok) }()
	}
}

// Set, read, return: the caller keeps the value.
func lookupWith(id string) string {
	tenant.Set(id) // mistake: losttoken [discard]
	return tenant.Get()
}

// A type switch that resets in every case.
func typeSwitch(x any) {
	tok := requestID.Set("x") // ok: losttoken [branch]
	switch x.(type) {
	case int:
		requestID.Reset(tok)
	case string:
		requestID.Reset(tok)
	default:
		requestID.Reset(tok)
	}
}

// A type switch that forgets one case.
func typeSwitchMissing(x any) {
	tok := requestID.Set("x") // mistake: losttoken [branch]
	switch x.(type) {
	case int:
		requestID.Reset(tok)
	case string:
	default:
		requestID.Reset(tok)
	}
}
