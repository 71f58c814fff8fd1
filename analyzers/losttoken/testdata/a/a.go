// Package a holds the token flows losttoken must tell apart.
package a

import (
	"errors"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var user = ctxvar.New[string]("user")

var errEmpty = errors.New("empty")

func process() error { return nil }

// Discarded tokens.

func discardedStatement(id string) {
	requestID.Set(id) // want `the token returned by requestID\.Set is discarded: the previous value is never restored; reset it with defer requestID\.Reset\(requestID\.Set\(id\)\)`
	_ = process()
}

func discardedParenthesized(id string) {
	(requestID.Set(id)) // want `the token returned by requestID\.Set is discarded`
}

func discardedInBranch(id string) error {
	if id != "" {
		requestID.Set(id) // want `discarded`
	}
	return process()
}

func discardedInSwitch(id string) {
	switch id {
	case "":
		requestID.Set("anonymous") // want `discarded`
	default:
		user.Set(id) // want `the token returned by user\.Set is discarded`
	}
}

func discardedInSelect(ch chan string) {
	select {
	case id := <-ch:
		requestID.Set(id) // want `discarded`
	}
}

func discardedBlank(id string) {
	_ = requestID.Set(id) // want `the token returned by requestID\.Set is assigned to _: the previous value is never restored; reset it with defer requestID\.Reset\(requestID\.Set\(id\)\)`
}

func discardedBlankVar(id string) {
	var _ = requestID.Set(id) // want `assigned to _`
}

func discardedBlankPair(id string) {
	n, _ := len(id), requestID.Set(id) // want `assigned to _`
	_ = n
}

func discardedInLoop(ids []string) {
	for _, id := range ids {
		requestID.Set(id) // want `the token returned by requestID\.Set is discarded: the previous value is never restored; keep it \(tok := requestID\.Set\(id\)\) and call requestID\.Reset\(tok\) before the iteration ends`
		_ = process()
	}
}

func discardedInForLoop(n int) {
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			user.Set("even") // want `keep it \(tok := user\.Set\("even"\)\)`
		}
	}
}

func discardedWithGoto(id string) {
again:
	if id == "" {
		id = "x"
	}
	// No fix: goto can make a loop.
	requestID.Set(id) // want `reset it with defer`
	if id == "x" {
		id = "y"
		goto again
	}
}

func discardedLabeled(id string) {
	if id == "" {
		goto set
	}
	id += "!"
set:
	requestID.Set(id) // want `discarded`
}

func discardedDeferred(old string) {
	requestID.Set("new")     // want `discarded`
	defer requestID.Set(old) // want `the token returned by the deferred call of requestID\.Set is discarded: the value it sets is never reset`
}

func discardedGo(id string) {
	go requestID.Set(id) // want `the token returned by the go call of requestID\.Set is discarded`
}

func discardedLongArgument(a, b, c string) {
	requestID.Set(a + b + c + a + b + c + a + b + c + a + b + c) // want `reset it with defer requestID\.Reset\(requestID\.Set\(\.\.\.\)\)`
}

func discardedMethodExpression(id string) {
	(*ctxvar.Var[string]).Set(requestID, id) // want `the token returned by requestID\.Set is discarded`
}

type server struct {
	current *ctxvar.Var[string]
	vars    []*ctxvar.Var[string]
}

func (s *server) discardedField(id string) {
	s.current.Set(id) // want `the token returned by s\.current\.Set is discarded`
}

func (s *server) discardedIndexed(id string) {
	// No fix: an index expression is not a plain reference.
	s.vars[0].Set(id) // want `the token returned by s\.vars\[0\]\.Set is discarded`
}

func varOf(s *server) *ctxvar.Var[string] { return s.current }

func discardedCallReceiver(s *server, id string) {
	varOf(s).Set(id) // want `the token returned by varOf\(s\)\.Set is discarded`
}

// A struct that embeds a Var and has a Reset of its own: the fix would call
// the wrong Reset.
type shadow struct {
	*ctxvar.Var[string]
}

func (shadow) Reset() {}

func discardedShadowedReset(s shadow, id string) {
	s.Set(id) // want `the token returned by s\.Set is discarded`
}

type embeds struct {
	*ctxvar.Var[string]
}

func discardedPromoted(e embeds, id string) {
	e.Set(id) // want `the token returned by e\.Set is discarded`
}

// A function literal stored in a package-level variable can run anywhere:
// it is checked.
var stored = func(id string) {
	requestID.Set(id) // want `discarded`
}

// A literal stored in a local that is only passed to Spawn runs in a
// Context of its own, like one passed directly: silent.
func literalInVariable(id string) {
	f := func() {
		requestID.Set(id)
	}
	ctxvar.Spawn(f)
}

func literalOnBareGoroutine(id string) {
	go func() {
		requestID.Set(id) // want `discarded`
		_ = process()
	}()
}

func literalCalledAtOnce(id string) {
	func() {
		requestID.Set(id) // want `discarded`
	}()
}

// Token variables not used on every path.

func usedInOneBranch(id string) error {
	tok := requestID.Set(id) // want `the tok variable returned by requestID\.Set is not used on all paths \(possible Context leak\): the return statement on line 195 can be reached without it, and requestID's previous value is not restored there; call requestID\.Reset\(tok\) on every path, or defer it right after the Set`
	if id == "" {
		requestID.Reset(tok)
		return errEmpty
	}
	return process()
}

func earlyReturn(id string) error {
	tok := requestID.Set(id) // want `the tok variable returned by requestID\.Set is not used on all paths`
	if id == "" {
		return errEmpty
	}
	defer requestID.Reset(tok)
	return process()
}

func fallsOffTheEnd(id string) {
	t := user.Set(id) // want `the t variable returned by user\.Set is not used on all paths \(possible Context leak\): the end of the function on line 212 can be reached`
	if id == "x" {
		user.Reset(t)
	}
}

func varDeclared(id string) {
	var tok = requestID.Set(id) // want `the tok variable returned by requestID\.Set is not used on all paths`
	if id == "x" {
		requestID.Reset(tok)
	}
}

func assignedLater(id string) error {
	var tok *ctxvar.Token[string]
	tok = requestID.Set(id) // want `not used on all paths`
	if id == "" {
		return errEmpty
	}
	requestID.Reset(tok)
	return nil
}

func setInIfHeader(id string) {
	if tok := requestID.Set(id); id == "x" { // want `not used on all paths`
		requestID.Reset(tok)
	}
}

func reassigned(id string) {
	tok := requestID.Set(id)
	defer requestID.Reset(tok)
	tok = requestID.Set("second") // want `the tok variable returned by requestID\.Set is not used on all paths`
}

func closureAfterSetOnOnePath(id string) error {
	tok := requestID.Set(id) // want `not used on all paths`
	if id == "" {
		return errEmpty
	}
	defer func() { requestID.Reset(tok) }()
	return process()
}

func namedResultOverwritten(id string) (tok *ctxvar.Token[string]) {
	tok = requestID.Set(id) // want `not used on all paths`
	if id == "" {
		return nil
	}
	return
}

// Token variables used on every path: silent.

func deferredReset(id string) error {
	defer requestID.Reset(requestID.Set(id))
	return process()
}

func resetOnBothPaths(id string) error {
	tok := requestID.Set(id)
	if id == "" {
		requestID.Reset(tok)
		return errEmpty
	}
	defer requestID.Reset(tok)
	return process()
}

func returned(id string) *ctxvar.Token[string] { // want returned:"returns the token of requestID.Set"
	return requestID.Set(id)
}

func returnedVar(id string) *ctxvar.Token[string] { // want returnedVar:"returns the token of requestID.Set"
	tok := requestID.Set(id)
	return tok
}

func namedResult(id string) (tok *ctxvar.Token[string]) { // want namedResult:"returns the token of requestID.Set"
	tok = requestID.Set(id)
	return
}

type scope struct {
	tok  *ctxvar.Token[string]
	toks []*ctxvar.Token[string]
}

func (s *scope) storedInField(id string) {
	s.tok = requestID.Set(id)
}

func (s *scope) storedViaVariable(id string) {
	tok := requestID.Set(id)
	s.tok = tok
}

func (s *scope) appended(id string) {
	s.toks = append(s.toks, requestID.Set(id))
}

func (s *scope) appendedViaVariable(id string) {
	tok := requestID.Set(id)
	s.toks = append(s.toks, tok)
}

func (s *scope) storedInElement(id string) {
	s.toks[0] = requestID.Set(id)
}

func storedInMap(m map[string]*ctxvar.Token[string], id string) {
	m[id] = requestID.Set(id)
}

func storedThroughPointer(p **ctxvar.Token[string], id string) {
	*p = requestID.Set(id)
}

func storedInComposite(id string) scope {
	return scope{tok: requestID.Set(id)}
}

func keep(*ctxvar.Token[string]) {}

func passed(id string) {
	keep(requestID.Set(id))
}

func passedViaVariable(id string) {
	tok := requestID.Set(id)
	keep(tok)
}

func sent(ch chan<- *ctxvar.Token[string], id string) {
	ch <- requestID.Set(id)
}

func sentViaVariable(ch chan<- *ctxvar.Token[string], id string) {
	tok := requestID.Set(id)
	ch <- tok
}

func capturedByDeferredClosure(id string) error {
	tok := requestID.Set(id)
	defer func() { requestID.Reset(tok) }()
	return process()
}

func capturedByEarlierClosure(id string) error {
	var tok *ctxvar.Token[string]
	defer func() {
		if tok != nil {
			requestID.Reset(tok)
		}
	}()
	tok = requestID.Set(id)
	if id == "" {
		return errEmpty
	}
	return process()
}

func capturedInLoop(ids []string) {
	var tok *ctxvar.Token[string]
	for _, id := range ids {
		tok = requestID.Set(id)
		if id == "" {
			return
		}
		defer func() { requestID.Reset(tok) }()
	}
}

func addressTaken(id string) {
	tok := requestID.Set(id)
	keepPointer(&tok)
}

func keepPointer(**ctxvar.Token[string]) {}

func addressTakenOnce(id string) error {
	var tok *ctxvar.Token[string]
	p := &tok
	tok = requestID.Set(id)
	if id == "" {
		return errEmpty
	}
	requestID.Reset(*p)
	return nil
}

var packageToken *ctxvar.Token[string]

func packageLevel(id string) {
	packageToken = requestID.Set(id)
}

func outerVariable(id string) {
	var tok *ctxvar.Token[string]
	func() {
		tok = requestID.Set(id)
	}()
	requestID.Reset(tok)
}

func resetInEveryIteration(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id)
		_ = process()
		requestID.Reset(tok)
	}
}

func panicsOtherwise(id string) {
	tok := requestID.Set(id)
	if id == "" {
		panic("empty id")
	}
	requestID.Reset(tok)
}

func comparedOnly(id string) bool {
	return requestID.Set(id) != nil
}

func oldValueRead(id string) string {
	old, _ := requestID.Set(id).OldValue()
	return old
}

// A method value in a local variable never reassigned is a Set of its
// receiver.

func methodValue(id string) {
	set := requestID.Set
	set(id) // want `the token returned by set \(requestID\.Set\) is discarded: the previous value is never restored; reset it with defer requestID\.Reset\(set\(id\)\)`
}

// A func value of unknown origin hides the Set: silent.

func funcValue(set func(string) *ctxvar.Token[string], id string) {
	set(id)
}

// Literals that build a Context of their own: silent.

func spawned(id string) {
	ctxvar.Spawn(func() {
		requestID.Set(id)
		_ = process()
	})
}

func bound(id string) func() {
	return ctxvar.Bind(func() {
		requestID.Set(id)
	})
}

func boundErr(id string) func() error {
	return ctxvar.BindErr(func() error {
		requestID.Set(id)
		return process()
	})
}

func boundArg() func(string) {
	return ctxvar.BindArg((func(id string) {
		requestID.Set(id)
	}))
}

func run(id string) {
	c := ctxvar.Copy()
	c.Run(func() {
		requestID.Set(id)
		tok := user.Set(id)
		if id == "" {
			return
		}
		user.Reset(tok)
	})
	ctxvar.Copy().Run(func() { user.Set(id) })
	go c.Copy().Run(func() { user.Set(id) })
}

func nestedInSpawned(id string) {
	ctxvar.Spawn(func() {
		f := func() {
			requestID.Set(id) // want `discarded`
		}
		f()
	})
}

func setInOneBranchReturnInAnother(id string) error {
	if id != "" {
		tok := requestID.Set(id)
		defer requestID.Reset(tok)
	} else {
		return errEmpty
	}
	return process()
}

func setInOneBranchUsedInOne(id string, verbose bool) error {
	if id != "" {
		tok := requestID.Set(id) // want `the tok variable returned by requestID\.Set is not used on all paths`
		if verbose {
			defer requestID.Reset(tok)
		}
	} else {
		return errEmpty
	}
	return process()
}

func literalInLoop(ids []string) {
	for _, id := range ids {
		func() {
			requestID.Set(id) // want `reset it with defer requestID\.Reset\(requestID\.Set\(id\)\)`
			_ = process()
		}()
	}
}

// A named function passed to Spawn may be called elsewhere too: checked.
func worker() {
	user.Set("worker") // want `discarded`
}

func spawnsNamed() {
	ctxvar.Spawn(worker)
}

func boundArgInstantiated() func(int) {
	return ctxvar.BindArg[int](func(n int) {
		user.Set("n")
	})
}

// _ = tok refers to the token: a use, as _ = cancel is for lostcancel.

func blankOnly(id string) {
	tok := requestID.Set(id)
	_ = tok
}

func blankInLoop(ids []string) {
	for _, id := range ids {
		tok := requestID.Set(id)
		_ = tok
	}
}

func blankThenReset(id string) {
	tok := requestID.Set(id)
	_ = tok
	requestID.Reset(tok)
}

func blankOfAnother(id string) {
	tok := requestID.Set(id)
	other := tok
	_ = other
}
