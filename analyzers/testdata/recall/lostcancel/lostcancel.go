// Package lostcancel translates the test data of go vet's lostcancel
// analyzer into ctxvar: a context.CancelFunc that is not called on every
// path becomes the token of a Var.Set that is not reset on every path, and
// a discarded cancel func a discarded token.
package lostcancel

import (
	"errors"
	"log"
	"os"
	"runtime"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var (
	requestID = ctxvar.New("requestID", ctxvar.Default("none"))
	tenant    = ctxvar.New[string]("tenant")
	depth     = ctxvar.New[int]("depth")
	cause     = ctxvar.New[error]("cause")
)

var (
	condition bool
	someInt   int
	errEmpty  = errors.New("empty")
)

func process() error { return nil }

func sink(...any) {}

// The three declaration forms: var, := and =.

func varForm() {
	var tok = requestID.Set("a") // mistake: losttoken [branch]
	if condition {
		requestID.Reset(tok)
	}
}

func shortForm() {
	tok2 := tenant.Set("b") // mistake: losttoken [branch]
	if condition {
		tenant.Reset(tok2)
	}
}

func assignForm() {
	var tok3 *ctxvar.Token[int]
	tok3 = depth.Set(3) // mistake: losttoken [branch]
	if condition {
		depth.Reset(tok3)
	}
}

// Discarded tokens, in each assignment form.

func discarded() {
	_ = requestID.Set("a")                // mistake: losttoken [discard]
	var _ = tenant.Set("b")               // mistake: losttoken [discard]
	n, _ := someInt+1, depth.Set(someInt) // mistake: losttoken [discard]
	sink(n)
	requestID.Set("c") // mistake: losttoken [discard]
}

func deferred() {
	defer requestID.Reset(requestID.Set("x")) // ok: losttoken [defer]
	tok := tenant.Set("y")                    // ok: losttoken [defer]
	defer tenant.Reset(tok)
}

func resetInOneBranch() {
	tok := requestID.Set("x") // mistake: losttoken [branch]
	if condition {
		requestID.Reset(tok)
	}
	return
}

func infiniteLoopElse() {
	tok := requestID.Set("x") // ok: losttoken [noreturn]
	if condition {
		requestID.Reset(tok)
	} else {
		for {
			print(0)
		}
	}
}

func boundedLoopElse() {
	tok := requestID.Set("x") // mistake: losttoken [loop]
	if condition {
		requestID.Reset(tok)
	} else {
		for i := 0; i < 10; i++ {
			print(0)
		}
	}
}

func switchNoReturns() {
	tok := tenant.Set("x") // ok: losttoken [noreturn]
	switch someInt {
	case 0:
		new(testing.T).FailNow()
	case 1:
		log.Fatal()
	case 2:
		tenant.Reset(tok)
	case 3:
		print("hi")
		fallthrough
	default:
		os.Exit(1)
	}
}

func switchFallsOff() {
	tok := tenant.Set("x") // mistake: losttoken [branch]
	switch someInt {
	case 0:
		new(testing.T).FailNow()
	case 1:
		log.Fatal()
	case 2:
		tenant.Reset(tok)
	case 3:
		print("hi")
	default:
		os.Exit(1)
	}
}

func selectFallsOff(ch chan int) {
	tok := depth.Set(1) // mistake: losttoken [branch]
	select {
	case <-ch:
		new(testing.T).FailNow()
	case ch <- 2:
		print("hi")
	case ch <- 1:
		depth.Reset(tok)
	default:
		os.Exit(1)
	}
}

func blockingSelectPanics(ch chan int) {
	tok := depth.Set(1) // ok: losttoken [noreturn]
	if condition {
		depth.Reset(tok)
		return
	}
	select {
	case <-ch:
		panic(0)
	}
}

func goroutineLiteral() {
	go func() {
		tok := requestID.Set("worker") // mistake: losttoken [go-literal]
		if condition {
			requestID.Reset(tok)
		}
		print("work")
	}()
}

// Regression shape of Go issue 16143: a call through a struct field that
// returns a token is not a Set.
func fieldCall() {
	var x struct{ f func() *ctxvar.Token[string] }
	x.f() // ok: losttoken [struct-field]
}

// Regression shape of Go issue 16230: a naked return hands the named
// result to the caller.
func namedResult() (tok *ctxvar.Token[string], err error) {
	tok = requestID.Set("named") // ok: losttoken [token-helper]
	return
}

var namedLiteral = func() (tok *ctxvar.Token[int]) {
	tok = depth.Set(7) // ok: losttoken [token-helper]
	return
}

// Shape of Go issue 31856: the token is assigned in a literal called on the
// spot and reset after it.
func assignedInLiteral() {
	var tok *ctxvar.Token[string]
	func() {
		tok = tenant.Set("inner") // ok: losttoken [closure]
	}()
	tenant.Reset(tok)
}

// A package-level token: other functions reset it.
var savedTok *ctxvar.Token[string]

func enterGlobal() {
	savedTok = requestID.Set("global") // ok: losttoken [package-token]
}

func leaveGlobal() {
	requestID.Reset(savedTok)
}

// b.go: main may leave its Sets in place, any other function may not.
func notMain() {
	tok := requestID.Set("x") // mistake: losttoken [branch]
	if condition {
		requestID.Reset(tok)
	}
}

// typeparams.go: generic functions and a user type with a Set method.

func genericVarForm[T any](v *ctxvar.Var[T], x T) {
	var tok = v.Set(x) // mistake: losttoken [generic]
	if condition {
		v.Reset(tok)
	}
}

func genericDeferred[T any](v *ctxvar.Var[T], x T) {
	tok := v.Set(x) // ok: losttoken [generic]
	defer v.Reset(tok)
}

func genericDiscard[T any](v *ctxvar.Var[T], x T) {
	v.Set(x) // mistake: losttoken [generic]
}

// fakeVar is not a ctxvar.Var: what its Set returns is no token.
type fakeVar[T any] struct{ last T }

func (f *fakeVar[T]) Set(x T) *fakeVar[T] { f.last = x; return f }

func userSet(f *fakeVar[string]) {
	f.Set("x") // ok: losttoken [lookalike]
}

// withCancelCause: a Var of another type, in nested blocks.
func withCause(maybe bool) {
	{
		tok := cause.Set(errEmpty) // ok: losttoken [defer]
		defer cause.Reset(tok)
	}
	{
		tok := cause.Set(os.ErrClosed) // mistake: losttoken [branch]
		if maybe {
			cause.Reset(tok)
		}
	}
}

// Token helpers: functions that return the token of a Set, and functions
// that return a func() that resets.

func enter(id string) *ctxvar.Token[string] {
	return requestID.Set(id) // ok: losttoken [token-helper]
}

func enterVar(id string) *ctxvar.Token[string] {
	tok := requestID.Set(id) // ok: losttoken [token-helper]
	return tok
}

func with(id string) func() {
	tok := tenant.Set(id) // ok: losttoken [reset-func]
	return func() { tenant.Reset(tok) }
}

func withDepth(n int) (undo func()) {
	tok := depth.Set(n) // ok: losttoken [reset-func]
	undo = func() { depth.Reset(tok) }
	return undo
}

func callsHelpers() error {
	enter("a")        // mistake: losttoken [token-helper]
	_ = enterVar("b") // mistake: losttoken [token-helper]
	with("c")         // mistake: losttoken [reset-func]
	_ = withDepth(1)  // mistake: losttoken [reset-func]
	defer with("d")() // ok: losttoken [reset-func]
	tok := enter("e") // ok: losttoken [token-helper]
	defer requestID.Reset(tok)
	undo := withDepth(2) // ok: losttoken [reset-func]
	defer undo()
	return nil
}

func helperTokenOnOnePath(id string) error {
	tok := enter(id) // mistake: losttoken [token-helper]
	if id == "" {
		return errEmpty
	}
	requestID.Reset(tok)
	return nil
}

func helperUndoOnOnePath(id string) error {
	undo := with(id) // mistake: losttoken [reset-func]
	if id == "" {
		return errEmpty
	}
	undo()
	return nil
}

// push forgets to hand the token back.
func push(id string) {
	requestID.Set(id) // mistake: losttoken [token-helper]
}

// scope's methods return tokens.
type scope struct{ n int }

func (s *scope) enter() *ctxvar.Token[int] {
	return depth.Set(s.n) // ok: losttoken [token-helper]
}

func (s *scope) exit(tok *ctxvar.Token[int]) { depth.Reset(tok) }

func useScope(s *scope) {
	s.enter()        // mistake: losttoken [token-helper]
	tok := s.enter() // ok: losttoken [token-helper]
	defer s.exit(tok)
}

func restore(tok *ctxvar.Token[string]) { requestID.Reset(tok) }

func resetThroughHelper() {
	tok := requestID.Set("x") // ok: losttoken [token-helper]
	defer restore(tok)
}

// Paths that end in calls that never return.

func die(msg string) { panic(msg) }

func endsInPanics(id string) int {
	tok := requestID.Set(id) // ok: losttoken [noreturn]
	switch id {
	case "":
		panic("empty")
	case "exit":
		os.Exit(2)
	case "goexit":
		runtime.Goexit()
	case "die":
		die("die")
	case "fatal":
		log.Fatalf("fatal %s", id)
	case "panicf":
		log.Panicf("panic %s", id)
	}
	requestID.Reset(tok)
	return 0
}

func errorBeforeReset() error {
	tok := tenant.Set("t") // mistake: losttoken [early-return]
	if err := process(); err != nil {
		return err
	}
	tenant.Reset(tok)
	return nil
}

func deferAfterEarlyReturn(id string) error {
	tok := requestID.Set(id) // mistake: losttoken [early-return]
	if id == "" {
		return errEmpty
	}
	defer requestID.Reset(tok)
	return process()
}

func closureReset(id string) error {
	tok := requestID.Set(id) // ok: losttoken [closure]
	cleanup := func() { requestID.Reset(tok) }
	defer cleanup()
	return process()
}

func deferredClosure(id string) error {
	tok := requestID.Set(id) // ok: losttoken [closure]
	defer func() {
		requestID.Reset(tok)
	}()
	return process()
}

// Sets through other expressions.

type holder struct{ v *ctxvar.Var[string] }

func (h holder) discardField(id string) {
	h.v.Set(id) // mistake: losttoken [struct-field]
}

func methodExpr(id string) {
	(*ctxvar.Var[string]).Set(requestID, id) // mistake: losttoken [method-expr]
}

func methodValue(id string) {
	set := requestID.Set
	set(id) // mistake: losttoken [method-value]
}

func methodValueKept(id string) {
	set := tenant.Set
	tok := set(id) // ok: losttoken [method-value]
	defer tenant.Reset(tok)
}

type setter[T any] interface {
	Set(T) *ctxvar.Token[T]
}

func putVia[S setter[string]](s S, id string) {
	s.Set(id) // mistake: losttoken [typeparam-constraint]
}

func putViaKept[S setter[string]](s S, id string) *ctxvar.Token[string] {
	return s.Set(id) // ok: losttoken [typeparam-constraint]
}

func deferredSet(old string) {
	defer requestID.Set(old) // mistake: losttoken [defer]
}

func goSet(id string) {
	go requestID.Set(id) // mistake: losttoken [go-named]
}

// Loops.

func loopDiscard(ids []string) {
	for _, id := range ids {
		requestID.Set(id) // mistake: losttoken [loop]
		_ = process()
	}
}

func loopResetEachIteration(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id) // ok: losttoken [loop]
		_ = process()
		requestID.Reset(tok)
	}
}

func loopDeferEachIteration(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id) // ok: losttoken [loop]
		defer requestID.Reset(tok)
	}
}

func loopBreakBeforeReset(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id) // mistake: losttoken [loop]
		if id == "stop" {
			break
		}
		requestID.Reset(tok)
	}
}

func collected(ids []string) {
	var toks []*ctxvar.Token[string]
	defer func() {
		for i := len(toks) - 1; i >= 0; i-- {
			requestID.Reset(toks[i])
		}
	}()
	for _, id := range ids {
		toks = append(toks, requestID.Set(id)) // ok: losttoken [loop]
	}
}

// Sets whose Context ends with the function: Spawn, Bind and Run.

func spawned(id string) {
	ctxvar.Spawn(func() {
		requestID.Set(id) // ok: losttoken [spawn]
		sink(requestID.Get())
	})
	f := ctxvar.Bind(func() {
		tenant.Set(id) // ok: losttoken [spawn]
	})
	f()
	c := ctxvar.Copy()
	c.Run(func() {
		depth.Set(1) // ok: losttoken [run]
	})
}

// A Var set in an if header.
func ifHeader(id string) {
	if tok := requestID.Set(id); id == "x" { // mistake: losttoken [branch]
		requestID.Reset(tok)
	}
}

// A token overwritten before its first Reset.
func overwritten(id string) {
	tok := requestID.Set(id) // ok: losttoken [defer]
	defer requestID.Reset(tok)
	tok = requestID.Set("second") // mistake: losttoken [overwrite]
}

// A Set in a deferred function literal.
func setInDefer() {
	defer func() {
		requestID.Set("cleanup") // mistake: losttoken [defer]
	}()
}

// Tokens handed to channels, maps and composite values are used.

func sent(ch chan<- *ctxvar.Token[string], id string) {
	ch <- requestID.Set(id) // ok: losttoken [handed-off]
}

func stored(m map[string]*ctxvar.Token[string], id string) {
	m[id] = requestID.Set(id) // ok: losttoken [handed-off]
}

type frame struct {
	tok *ctxvar.Token[string]
}

func newFrame(id string) frame {
	return frame{tok: requestID.Set(id)} // ok: losttoken [handed-off]
}

func (f frame) close() { requestID.Reset(f.tok) }
