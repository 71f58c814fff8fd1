// Package a holds the token flows tokenmisuse must tell apart.
package a

import (
	"context"
	"errors"
	"log"
	"os"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var user = ctxvar.New[string]("user")

var tenant = ctxvar.New[string]("tenant")

var errEmpty = errors.New("empty")

func process() error { return nil }

func lookup() string { return "bob" }

// A token reset twice: ErrTokenUsed.

func resetTwice(id string) {
	tok := requestID.Set(id)
	requestID.Reset(tok)
	requestID.Reset(tok) // want `^requestID\.Reset\(tok\) panics with ErrTokenUsed: on some path tok, the token of requestID\.Set on line \d+, was already reset on line \d+, and a token restores its Var once; remove one of the two Resets$`
}

func deferredAndExplicit(id string) error {
	tok := requestID.Set(id)
	defer requestID.Reset(tok) // want `^the deferred requestID\.Reset\(tok\) panics with ErrTokenUsed when the function returns: on some path tok, the token of requestID\.Set on line \d+, was already reset on line \d+, and a token restores its Var once; keep either the deferred Reset or the other one$`
	if err := process(); err != nil {
		requestID.Reset(tok)
		return err
	}
	return nil
}

func resetTwiceOnOneBranch(id string, again bool) {
	tok := user.Set(id)
	if again {
		user.Reset(tok)
	}
	user.Reset(tok) // want `^user\.Reset\(tok\) panics with ErrTokenUsed: on some path tok`
}

func resetInLoop(ids []string) {
	tok := user.Set("x")
	for range ids {
		user.Reset(tok) // want `ErrTokenUsed: on some path tok, the token of user\.Set on line \d+, was already reset on line \d+`
	}
}

func resetThroughCopy(id string) {
	tok := user.Set(id)
	t2 := tok
	user.Reset(tok)
	user.Reset(t2) // want `^user\.Reset\(t2\) panics with ErrTokenUsed: on some path t2, the token of user\.Set on line \d+`
}

func resetInDeferredClosure(id string) {
	tok := user.Set(id)
	defer func() {
		user.Reset(tok) // want `ErrTokenUsed: on some path tok, the token of user\.Set on line \d+, was already reset on line \d+`
	}()
	user.Reset(tok)
}

func resetAfterInlineClosure(id string) {
	tok := user.Set(id)
	func() {
		user.Reset(tok)
	}()
	user.Reset(tok) // want `ErrTokenUsed`
}

func resetTemporaryTwiceByDefer(id string) {
	tok := tenant.Set(id)
	func() {
		defer tenant.Reset(tok)
	}()
	tenant.Reset(tok) // want `was already reset by the deferred Reset on line \d+`
}

// A token of another Var: ErrTokenVar.

func wrongVar(id string) {
	user.Reset(requestID.Set(id)) // want `^user\.Reset\(requestID\.Set\(id\)\) panics with ErrTokenVar: the token is a token of requestID \(from requestID\.Set on line \d+\), not of user; reset it with requestID\.Reset$`
}

func wrongVarDeferred(id string) {
	tok := tenant.Set(id)
	defer user.Reset(tok) // want `^the deferred user\.Reset\(tok\) panics with ErrTokenVar: tok is a token of tenant \(from tenant\.Set on line \d+\), not of user; reset it with tenant\.Reset$`
}

func wrongLocalVar() {
	a := ctxvar.New[int]("a")
	b := ctxvar.New[int]("b")
	tok := a.Set(1)
	b.Reset(tok) // want `^b\.Reset\(tok\) panics with ErrTokenVar: tok is a token of a`
}

// A token reset in another Context than its Set's: ErrTokenContext.

func resetInGoroutine(id string) {
	tok := user.Set(id)
	go func() {
		user.Reset(tok) // want `^user\.Reset\(tok\) panics with ErrTokenContext: tok was made by user\.Set on line \d+, in the Context of the code that starts the function literal, and this Reset runs in the goroutine the go statement starts, another Context; reset the token in the function that set it \(defer user\.Reset\(tok\) right after the Set\)$`
	}()
}

func resetInGoroutineParam(id string) {
	tok := user.Set(id)
	defer user.Reset(tok)
	go func(t *ctxvar.Token[string]) {
		user.Reset(t) // want `t was made by user\.Set on line \d+, .* runs in the goroutine the go statement starts`
	}(tok)
}

func resetInSpawn(id string) {
	tok := user.Set(id)
	ctxvar.Spawn(func() {
		defer user.Reset(tok) // want `^the deferred user\.Reset\(tok\) panics with ErrTokenContext: .* runs in the goroutine ctxvar\.Spawn starts, in a copy of the Context, another Context`
	})
}

func resetInBind(id string) func() {
	tok := user.Set(id)
	return ctxvar.Bind(func() {
		user.Reset(tok) // want `runs in the function ctxvar\.Bind returns, which runs in a copy of the Context, another Context`
	})
}

func resetInErrgroup(ctx context.Context, id string) error {
	tok := user.Set(id)
	defer user.Reset(tok)
	g, _ := errgroup.WithContext(ctx)
	g.Go(func() error {
		user.Reset(tok) // want `runs in the function errgroup\.\(\*Group\)\.Go runs on another goroutine, another Context`
		return nil
	})
	return g.Wait()
}

func resetWithGoStatement(id string) {
	tok := user.Set(id)
	go user.Reset(tok) // want `^user\.Reset\(tok\) panics with ErrTokenContext: .* runs in the goroutine the go statement starts`
}

func tokenFromRun(c *ctxvar.Context) {
	var tok *ctxvar.Token[string]
	c.Run(func() {
		tok = user.Set("inside")
	})
	user.Reset(tok) // want `^user\.Reset\(tok\) panics with ErrTokenContext: tok was made by user\.Set on line \d+ inside c\.Run on line \d+, in the Context it entered, and this Reset runs after it has returned, in another Context; reset the token inside the function passed to c\.Run$`
}

func tokenIntoRun(id string) {
	tok := user.Set(id)
	defer user.Reset(tok)
	ctxvar.Copy().Run(func() {
		user.Reset(tok) // want `^user\.Reset\(tok\) panics with ErrTokenContext: tok was made by user\.Set on line \d+ outside ctxvar\.Copy\(\)\.Run on line \d+, and this Reset runs inside it, in the Context it entered; reset the token after ctxvar\.Copy\(\)\.Run returns$`
	})
}

// Resets of one Var out of order: the later token restores a stale value.

// authenticate looks the caller up as the system user, then resets the
// system user's token first: the caller's Reset then restores "admin",
// which the next request on this goroutine sees.
func authenticate(next func()) {
	system := user.Set("admin")
	caller := user.Set(lookup())
	user.Reset(system) // want `^user\.Reset\(system\) restores user out of order: on some path caller, a later token of user \(from user\.Set on line \d+\), is still live, and its Reset on line \d+ then sets user back to "admin", the value of user\.Set on line \d+, instead of the value from before both Sets, which leaks to the code that runs next in this Context; reset tokens in the reverse order of their Sets: user\.Reset\(caller\) before user\.Reset\(system\)$`
	next()
	user.Reset(caller)
}

func outOfOrderDefers() {
	t1 := user.Set("guest")
	t2 := user.Set("admin")
	defer user.Reset(t2)
	defer user.Reset(t1) // want `^the deferred user\.Reset\(t1\) restores user out of order: on some path t2, .* and its deferred Reset on line \d+ then sets user back to "guest"`
}

func outOfOrderOnOnePath(sudo bool, next func()) {
	tok := user.Set("guest")
	if sudo {
		admin := user.Set("admin")
		defer user.Reset(admin)
	}
	next()
	user.Reset(tok) // want `user\.Reset\(tok\) restores user out of order: on some path admin`
}

func outOfOrderGeneric[T any](v *ctxvar.Var[T], a, b T) {
	t1 := v.Set(a)
	t2 := v.Set(b)
	v.Reset(t1) // want `^v\.Reset\(t1\) restores v out of order`
	v.Reset(t2)
}

// Fine: each token reset once, in its own Context, in order.

func deferredSetReset(id string) {
	defer requestID.Reset(requestID.Set(id))
	_ = process()
}

func deferredVariable(id string) error {
	tok := requestID.Set(id)
	defer requestID.Reset(tok)
	return process()
}

func earlyReturn(id string) error {
	tok := requestID.Set(id)
	if err := process(); err != nil {
		requestID.Reset(tok)
		return err
	}
	requestID.Reset(tok)
	return nil
}

func exclusiveBranches(id string, ok bool) {
	tok := user.Set(id)
	if ok {
		user.Reset(tok)
	} else {
		user.Reset(tok)
	}
}

func switchCases(id string, n int) {
	tok := user.Set(id)
	switch n {
	case 0:
		user.Reset(tok)
	case 1, 2:
		user.Reset(tok)
	default:
		user.Reset(tok)
	}
}

func lifo() {
	t1 := user.Set("guest")
	t2 := user.Set("admin")
	user.Reset(t2)
	user.Reset(t1)
}

func lifoDefers() {
	t1 := user.Set("guest")
	defer user.Reset(t1)
	t2 := user.Set("admin")
	defer user.Reset(t2)
}

func differentVarsAnyOrder() {
	t1 := user.Set("u")
	t2 := tenant.Set("t")
	user.Reset(t1)
	tenant.Reset(t2)
}

func reassignedBetween() {
	tok := user.Set("a")
	user.Reset(tok)
	tok = user.Set("b")
	user.Reset(tok)
}

func perIteration(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id)
		_ = process()
		requestID.Reset(tok)
	}
}

func carriedOver(ids []string) {
	var tok *ctxvar.Token[string]
	for _, id := range ids {
		if tok != nil {
			requestID.Reset(tok)
		}
		tok = requestID.Set(id)
	}
	if tok != nil {
		requestID.Reset(tok)
	}
}

func doneFlag(id string) error {
	tok := user.Set(id)
	done := false
	defer func() {
		if !done {
			user.Reset(tok)
		}
	}()
	if err := process(); err != nil {
		return err
	}
	user.Reset(tok)
	done = true
	return nil
}

func correlated(id string) {
	tok := user.Set(id)
	err := process()
	if err != nil {
		user.Reset(tok)
	}
	_ = lookup()
	if err == nil {
		user.Reset(tok)
	}
}

func keep(*ctxvar.Token[string]) {}

var kept []*ctxvar.Token[string]

func escapesToCall() {
	tok := user.Set("x")
	keep(tok)
	user.Reset(tok)
	user.Reset(tok)
}

func escapesToSlice() {
	tok := user.Set("x")
	kept = append(kept, tok)
	user.Reset(tok)
	user.Reset(tok)
}

type holder struct{ tok *ctxvar.Token[string] }

func escapesToField(h *holder) {
	tok := user.Set("x")
	h.tok = tok
	user.Reset(tok)
	user.Reset(tok)
}

func escapesToChannel(ch chan *ctxvar.Token[string]) {
	tok := user.Set("x")
	ch <- tok
	user.Reset(tok)
}

func later(f func()) { f() }

func closurePassedOn() {
	tok := user.Set("x")
	later(func() { user.Reset(tok) })
	user.Reset(tok)
}

func closureStored() func() {
	tok := user.Set("x")
	f := func() { user.Reset(tok) }
	user.Reset(tok)
	return f
}

func goroutineOwnToken() {
	go func() {
		tok := user.Set("g")
		defer user.Reset(tok)
		_ = process()
	}()
	ctxvar.Spawn(func() {
		defer user.Reset(user.Set("s"))
	})
	f := ctxvar.Bind(func() {
		tok := user.Set("b")
		user.Reset(tok)
	})
	f()
}

func runOwnToken(c *ctxvar.Context) {
	c.Run(func() {
		tok := user.Set("inside")
		defer user.Reset(tok)
	})
}

func sameContextTwice() {
	c := ctxvar.Copy()
	var tok *ctxvar.Token[string]
	c.Run(func() {
		tok = user.Set("inside")
	})
	c.Run(func() {
		user.Reset(tok)
	})
}

func unknownVars(a, b *ctxvar.Var[string]) {
	a.Reset(b.Set("x"))
}

func aliasedVar() {
	w := user
	t1 := user.Set("a")
	t2 := w.Set("b")
	user.Reset(t1)
	w.Reset(t2)
}

type pair struct{ a, b *ctxvar.Var[string] }

func fieldVars(p pair) {
	p.a.Reset(p.b.Set("x"))
}

func panicsFirst(id string) {
	tok := user.Set(id)
	defer user.Reset(tok)
	if id == "" {
		user.Reset(tok)
		panic(errEmpty)
	}
}

func fatalFirst(id string) {
	tok := user.Set(id)
	defer user.Reset(tok)
	if id == "" {
		user.Reset(tok)
		log.Fatal(errEmpty)
	}
	if id == "exit" {
		user.Reset(tok)
		os.Exit(1)
	}
}

func lostLaterToken() {
	t1 := user.Set("a")
	_ = user.Set("b")
	user.Reset(t1)
}

func genericOnce[T any](v *ctxvar.Var[T], x T) {
	defer v.Reset(v.Set(x))
}

func withGoto(id string) {
	tok := user.Set(id)
	user.Reset(tok)
	goto end
end:
	user.Reset(tok)
}

func ignored(id string) {
	tok := user.Set(id)
	user.Reset(tok)
	//lint:ignore tokenmisuse the second Reset is checked by the recover in the caller
	user.Reset(tok)
}

func nilGuarded(ok bool) {
	var tok *ctxvar.Token[string]
	if ok {
		tok = user.Set("x")
	}
	if tok != nil {
		user.Reset(tok)
	}
}

// makeToken returns a token of user: calls of it make tokens.
func makeToken(u string) *ctxvar.Token[string] {
	return user.Set(u)
}

func helperTokenOnce() {
	tok := makeToken("x")
	defer user.Reset(tok)
}

func helperTokenTwice() {
	tok := makeToken("x")
	user.Reset(tok)
	user.Reset(tok) // want `^user\.Reset\(tok\) panics with ErrTokenUsed: on some path tok, the token of makeToken on line \d+`
}

// restore resets a token of user.
func restore(tok *ctxvar.Token[string]) {
	user.Reset(tok)
}

func helperResetTwice() {
	tok := user.Set("x")
	restore(tok)
	restore(tok) // want `^restore\(tok\) panics with ErrTokenUsed`
}

func helperResetWrongVar() {
	restore(tenant.Set("x")) // want `^restore\(tenant\.Set\("x"\)\) panics with ErrTokenVar: the token is a token of tenant`
}

func recoverHandler(id string) (err error) {
	tok := user.Set(id)
	defer func() {
		if r := recover(); r != nil {
			user.Reset(tok)
			err = errEmpty
		}
	}()
	_ = process()
	user.Reset(tok)
	return nil
}

func recoverDirect(id string) {
	tok := user.Set(id)
	defer func() {
		if recover() != nil {
			user.Reset(tok)
		}
	}()
	user.Reset(tok)
}

func resetOnLastIteration(steps []func()) {
	tok := user.Set("x")
	for i, step := range steps {
		if i == len(steps)-1 {
			user.Reset(tok)
		}
		step()
	}
}

func selectLoop(ch <-chan string, done <-chan struct{}) {
	for {
		select {
		case u := <-ch:
			tok := user.Set(u)
			_ = process()
			user.Reset(tok)
		case <-done:
			return
		}
	}
}

func swapEachIteration(xs []string) {
	tok := user.Set("first")
	for _, x := range xs {
		user.Reset(tok)
		tok = user.Set(x)
	}
	user.Reset(tok)
}

func shouldSet() bool { return true }

func correlatedFlag() {
	set := shouldSet()
	var tok *ctxvar.Token[string]
	if set {
		tok = user.Set("x")
	}
	_ = process()
	if set {
		user.Reset(tok)
	}
}

func shadowed(cond bool) {
	tok := user.Set("a")
	if cond {
		tok := user.Set("b")
		defer user.Reset(tok)
	}
	user.Reset(tok) // want `^user\.Reset\(tok\) restores user out of order: on some path tok, a later token of user`
}

func rotate(xs []string) {
	prev := user.Set("a")
	for _, x := range xs {
		next := user.Set(x)
		user.Reset(prev) // want `user\.Reset\(prev\) restores user out of order: on some path next, .*: user\.Reset\(next\) before user\.Reset\(prev\)$`
		prev = next
	}
	user.Reset(prev)
}

func resetEveryIteration(n int) {
	tok := user.Set("x")
	for i := 0; i < n; i++ {
		_ = process()
		user.Reset(tok) // want `ErrTokenUsed`
	}
}

func deferInLoop(ids []string) {
	for _, id := range ids {
		tok := user.Set(id)
		defer user.Reset(tok)
	}
}

func labeled(ids [][]string) {
	tok := user.Set("x")
outer:
	for _, row := range ids {
		for _, id := range row {
			if id == "" {
				user.Reset(tok)
				break outer
			}
		}
	}
}

func typeSwitch(x any) {
	tok := user.Set("x")
	switch x.(type) {
	case int:
		user.Reset(tok)
	case string:
		user.Reset(tok)
	}
}

func taggedBool(ok bool) {
	tok := user.Set("x")
	switch ok {
	case true:
		user.Reset(tok)
	case false:
		user.Reset(tok)
	}
}

type config struct{ debug bool }

func correlatedField(c *config) {
	tok := user.Set("x")
	if c.debug {
		user.Reset(tok)
	}
	_ = process()
	if !c.debug {
		user.Reset(tok)
	}
}

func correlatedSwitch(mode int) {
	tok := user.Set("x")
	switch mode {
	case 1:
		user.Reset(tok)
	}
	_ = process()
	switch mode {
	case 2:
		user.Reset(tok)
	}
}

func runContextOwnToken(ctx context.Context) {
	ctxvar.RunContext(ctx, func() {
		defer user.Reset(user.Set("inside"))
	})
}

func tokenFromRunContext(ctx context.Context) {
	var tok *ctxvar.Token[string]
	ctxvar.RunContext(ctx, func() {
		tok = user.Set("inside")
	})
	user.Reset(tok) // want `tok was made by user\.Set on line \d+ inside ctxvar\.RunContext on line \d+, in the Context it entered`
}

func deferredBeforeSet(id string) {
	var tok *ctxvar.Token[string]
	defer user.Reset(tok) // want `^the deferred user\.Reset\(tok\) panics with ErrNilToken when the function returns: on some path tok is nil at the defer statement, which evaluates the Reset's argument at once; defer the Reset right after the Set that makes the token$`
	tok = user.Set(id)
}

func deferredClosureBeforeSet(id string) {
	var tok *ctxvar.Token[string]
	defer func() { user.Reset(tok) }()
	tok = user.Set(id)
}

func deferredNilGuarded(c *config, id string) {
	var tok *ctxvar.Token[string]
	if c.debug {
		tok = user.Set(id)
	}
	if c.debug {
		defer user.Reset(tok)
	}
}

func deferredLiteralInLoop(n int) {
	tok := user.Set("x")
	for i := 0; i < n; i++ {
		defer func() { user.Reset(tok) }()
	}
	user.Reset(tok)
	user.Reset(tok)
}
