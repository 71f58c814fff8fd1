// Package helpers defines functions that hand their caller the token of a
// Set they made, or a function that resets it, and calls them: the callers
// must keep what they return as they keep a token.
package helpers

import (
	"errors"
	"log"
	"strings"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var tenant = ctxvar.New("tenant", ctxvar.Default("none"))

var region = ctxvar.New("region", ctxvar.Default("eu"))

// Tenant is set through the exported helpers, from package usehelpers.
var Tenant = ctxvar.New("Tenant", ctxvar.Default("none"))

var errEmpty = errors.New("empty")

func process() error { return nil }

// Token helpers: every return returns the token of a Set made in the call.

func enterTenant(t string) *ctxvar.Token[string] { // want enterTenant:"returns the token of tenant.Set"
	return tenant.Set(t)
}

func enterLogged(t string) *ctxvar.Token[string] { // want enterLogged:"returns the token of tenant.Set"
	tok := tenant.Set(t)
	log.Printf("tenant %s", t)
	return tok
}

func enterDeclared(t string) *ctxvar.Token[string] { // want enterDeclared:"returns the token of tenant.Set"
	var tok = tenant.Set(t)
	return (tok)
}

func enterNamed(t string) (tok *ctxvar.Token[string]) { // want enterNamed:"returns the token of tenant.Set"
	tok = tenant.Set(t)
	return
}

func enterEither(t string) *ctxvar.Token[string] { // want enterEither:"returns the token of tenant.Set"
	if t == "" {
		return tenant.Set("anonymous")
	}
	return tenant.Set(t)
}

func enterAssignedOnBothPaths(t string) *ctxvar.Token[string] { // want enterAssignedOnBothPaths:"returns the token of tenant.Set"
	var tok *ctxvar.Token[string]
	if t == "" {
		tok = tenant.Set("anonymous")
	} else {
		tok = tenant.Set(t)
	}
	return tok
}

func enterOrPanic(t string) *ctxvar.Token[string] { // want enterOrPanic:"returns the token of tenant.Set"
	if t == "" {
		panic("no tenant")
	}
	return tenant.Set(t)
}

func enterLower(t string) *ctxvar.Token[string] { // want enterLower:"returns the token of tenant.Set"
	return enterTenant(strings.ToLower(t))
}

func enterMethodExpression(t string) *ctxvar.Token[string] { // want enterMethodExpression:"returns the token of tenant.Set"
	return (*ctxvar.Var[string]).Set(tenant, t)
}

// The returns set different Vars: the Var is unknown.
func enterOneOf(t string) *ctxvar.Token[string] { // want enterOneOf:"returns the token of a Set"
	if t == "" {
		return region.Set("eu")
	}
	return tenant.Set(t)
}

func setVar[T any](v *ctxvar.Var[T], x T) *ctxvar.Token[T] { // want setVar:"returns the token of v.Set"
	return v.Set(x)
}

func setVarLater[T any](x T, v *ctxvar.Var[T]) *ctxvar.Token[T] { // want setVarLater:"returns the token of v.Set"
	tok := setVar(v, x)
	return tok
}

// A parameter assigned in the body names no Var at the call.
func setVarOrDefault(v *ctxvar.Var[string], x string) *ctxvar.Token[string] { // want setVarOrDefault:"returns the token of a Set"
	if v == nil {
		v = tenant
	}
	return v.Set(x)
}

type scope struct {
	v   *ctxvar.Var[string]
	tok *ctxvar.Token[string]
}

func (s *scope) enter(x string) *ctxvar.Token[string] { // want enter:"returns the token of s.v.Set"
	return s.v.Set(x)
}

// Restore helpers: every return returns a func() that resets the token of
// a Set made in the call.

func enterFunc(t string) (exit func()) { // want enterFunc:"returns a func that resets the token of tenant.Set"
	tok := tenant.Set(t)
	return func() { tenant.Reset(tok) }
}

func enterFuncLocal(t string) func() { // want enterFuncLocal:"returns a func that resets the token of tenant.Set"
	tok := tenant.Set(t)
	exit := func() {
		log.Printf("leaving %s", t)
		tenant.Reset(tok)
	}
	return exit
}

func enterFuncNamed(t string) (exit func()) { // want enterFuncNamed:"returns a func that resets the token of tenant.Set"
	tok := enterTenant(t)
	exit = func() { tenant.Reset(tok) }
	return
}

func enterOnce(t string) func() { // want enterOnce:"returns a func that resets the token of tenant.Set"
	tok := tenant.Set(t)
	return func() {
		if tok != nil {
			tenant.Reset(tok)
			tok = nil
		}
	}
}

func enterFuncAgain(t string) func() { // want enterFuncAgain:"returns a func that resets the token of tenant.Set"
	return enterFunc(t)
}

func withVar[T any](v *ctxvar.Var[T], x T) func() { // want withVar:"returns a func that resets the token of v.Set"
	tok := v.Set(x)
	return func() { v.Reset(tok) }
}

func startSpan(name string) (string, func()) { // want startSpan:"result 2 returns a func that resets the token of tenant.Set"
	tok := tenant.Set(name)
	return name, func() { tenant.Reset(tok) }
}

func startSpanAgain(name string) (string, func()) { // want startSpanAgain:"result 2 returns a func that resets the token of tenant.Set"
	return startSpan(name)
}

func enterBoth(t, r string) (*ctxvar.Token[string], func()) { // want enterBoth:"result 1 returns the token of tenant.Set; result 2 returns a func that resets the token of region.Set"
	tok := region.Set(r)
	return tenant.Set(t), func() { region.Reset(tok) }
}

// Not helpers: a return that may hand over something else, a token also
// used in the function, a variable that may leave through two results.

func mayReturnNil(t string) *ctxvar.Token[string] {
	if t == "" {
		return nil
	}
	return tenant.Set(t)
}

func passThrough(tok *ctxvar.Token[string]) *ctxvar.Token[string] {
	return tok
}

func fromField(s *scope) *ctxvar.Token[string] {
	return s.tok
}

func resetBeforeReturn(t string) *ctxvar.Token[string] {
	tok := tenant.Set(t)
	tenant.Reset(tok)
	return tok
}

func resetDeferred(t string) *ctxvar.Token[string] {
	tok := tenant.Set(t)
	defer tenant.Reset(tok)
	return tok
}

func storedToo(s *scope, t string) *ctxvar.Token[string] {
	tok := tenant.Set(t)
	s.tok = tok
	return tok
}

func namedUnassigned(t string) (tok *ctxvar.Token[string]) {
	if t == "" {
		return
	}
	tok = tenant.Set(t)
	return
}

func maybeAssigned(t string) *ctxvar.Token[string] {
	var tok *ctxvar.Token[string]
	if t != "" {
		tok = tenant.Set(t)
	}
	return tok
}

func recursive(n int) *ctxvar.Token[string] {
	if n == 0 {
		return tenant.Set("x")
	}
	return recursive(n - 1)
}

func onlyPanics() *ctxvar.Token[string] {
	panic("unimplemented")
}

func namedOverwrittenByDefer(t string) (tok *ctxvar.Token[string]) {
	defer func() {
		if recover() != nil {
			tok = nil
		}
	}()
	tok = tenant.Set(t)
	return
}

func twice(t string) (*ctxvar.Token[string], *ctxvar.Token[string]) {
	tok := tenant.Set(t)
	return tok, tok
}

func tokenAndRestore(t string) (*ctxvar.Token[string], func()) {
	tok := tenant.Set(t)
	return tok, func() { tenant.Reset(tok) }
}

func namedTokenInRestore(t string) (tok *ctxvar.Token[string], exit func()) {
	tok = tenant.Set(t)
	return nil, func() { tenant.Reset(tok) }
}

func restoreNothing(t string) func() {
	tenant.Set(t) // want `the token returned by tenant\.Set is discarded`
	return func() {}
}

func restoreParam(tok *ctxvar.Token[string]) func() {
	return func() { tenant.Reset(tok) }
}

func resetAlsoByCleanup(t string) func() {
	tok := tenant.Set(t)
	cleanup := func() { tenant.Reset(tok) }
	defer cleanup()
	return func() { tenant.Reset(tok) }
}

func restoreStoredElsewhere(t string, cleanups *[]func()) func() {
	tok := tenant.Set(t)
	exit := func() { tenant.Reset(tok) }
	*cleanups = append(*cleanups, exit)
	return exit
}

func (s *scope) leave() { tenant.Reset(s.tok) }

func restoreMethodValue(t string) func() {
	s := &scope{tok: tenant.Set(t)}
	return s.leave
}

func tokenInRange(toks []*ctxvar.Token[string]) *ctxvar.Token[string] {
	for _, tok := range toks {
		return tok
	}
	return tenant.Set("x")
}

// Callers.

func discarded(t string) {
	enterTenant(t) // want `the token returned by enterTenant \(tenant\.Set\) is discarded: the previous value is never restored; reset it with defer tenant\.Reset\(enterTenant\(t\)\)`
	_ = process()
}

func discardedLogged(t string) {
	enterLogged(t) // want `the token returned by enterLogged \(tenant\.Set\) is discarded`
}

func assignedToBlank(t string) {
	_ = enterNamed(t) // want `the token returned by enterNamed \(tenant\.Set\) is assigned to _: the previous value is never restored; reset it with defer tenant\.Reset\(enterNamed\(t\)\)`
}

func discardedInLoop(ts []string) {
	for _, t := range ts {
		enterEither(t) // want `the token returned by enterEither \(tenant\.Set\) is discarded: the previous value is never restored; keep it and call tenant\.Reset\(tok\) before the iteration ends`
		_ = process()
	}
}

func discardedDeferred(t string) {
	defer enterTenant(t) // want `the token returned by the deferred call of enterTenant \(tenant\.Set\) is discarded: the value it sets is never reset`
	go enterTenant(t)    // want `the token returned by the go call of enterTenant \(tenant\.Set\) is discarded`
}

func discardedUnknownVar(t string) {
	enterOneOf(t) // want `the token returned by enterOneOf \(a Set it makes\) is discarded: the previous value is never restored; keep it \(tok\) and defer tok\.Var\(\)\.Reset\(tok\)`
}

func discardedThroughHelpers(t string) {
	enterLower(t)               // want `the token returned by enterLower \(tenant\.Set\) is discarded`
	enterAssignedOnBothPaths(t) // want `enterAssignedOnBothPaths \(tenant\.Set\)`
	enterOrPanic(t)             // want `enterOrPanic \(tenant\.Set\)`
	enterDeclared(t)            // want `enterDeclared \(tenant\.Set\)`
	enterMethodExpression(t)    // want `enterMethodExpression \(tenant\.Set\)`
}

func discardedParamVar(t string, n int, vars []*ctxvar.Var[string]) {
	setVar(tenant, t)          // want `the token returned by setVar \(tenant\.Set\) is discarded: the previous value is never restored; reset it with defer tenant\.Reset\(setVar\(tenant, t\)\)`
	setVar[int](counter, n)    // want `the token returned by setVar\[int\] \(counter\.Set\) is discarded`
	setVarLater(t, region)     // want `the token returned by setVarLater \(region\.Set\) is discarded`
	setVar(vars[0], t)         // want `the token returned by setVar \(vars\[0\]\.Set\) is discarded: the previous value is never restored; reset it with defer vars\[0\]\.Reset\(setVar\(vars\[0\], t\)\)`
	setVarOrDefault(region, t) // want `the token returned by setVarOrDefault \(a Set it makes\) is discarded`
}

var counter = ctxvar.New("counter", ctxvar.Default(0))

func discardedMethod(s *scope, v scope, t string) {
	s.enter(t)              // want `the token returned by s\.enter \(s\.v\.Set\) is discarded: the previous value is never restored; reset it with defer s\.v\.Reset\(s\.enter\(t\)\)`
	v.enter(t)              // want `the token returned by v\.enter \(v\.v\.Set\) is discarded`
	(*scope).enter(s, t)    // want `the token returned by \(\*scope\)\.enter \(s\.v\.Set\) is discarded`
	newScope().enter(t)     // want `the token returned by newScope\(\)\.enter \(newScope\(\)\.v\.Set\) is discarded`
	scopes[len(t)].enter(t) // want `scopes\[len\(t\)\]\.v\.Set`
	outer{s}.enter(t)       // want `the token returned by outer\{…\}\.enter \(a Set it makes\) is discarded`
}

var scopes []*scope

func newScope() *scope { return &scope{v: tenant} }

// outer promotes the method of the scope it embeds.
type outer struct{ *scope }

func notUsedOnAllPaths(t string) error {
	tok := enterTenant(t) // want `the tok variable that holds the token returned by enterTenant \(tenant\.Set\) is not used on all paths \(possible Context leak\): the return statement on line 362 can be reached without it, and tenant's previous value is not restored there; call tenant\.Reset\(tok\) on every path, or defer it right after the call`
	if t == "" {
		return errEmpty
	}
	defer tenant.Reset(tok)
	return process()
}

func restoreDiscarded(t string) {
	enterFunc(t)       // want `the restore function returned by enterFunc \(which resets tenant\) is discarded: tenant's previous value is never restored; call it when the function returns with defer enterFunc\(t\)\(\)`
	enterFuncLocal(t)  // want `the restore function returned by enterFuncLocal \(which resets tenant\) is discarded`
	enterFuncNamed(t)  // want `the restore function returned by enterFuncNamed \(which resets tenant\) is discarded`
	enterFuncAgain(t)  // want `the restore function returned by enterFuncAgain \(which resets tenant\) is discarded`
	enterOnce(t)       // want `the restore function returned by enterOnce \(which resets tenant\) is discarded`
	withVar(region, t) // want `the restore function returned by withVar \(which resets region\) is discarded`
	_ = enterFunc(t)   // want `the restore function returned by enterFunc \(which resets tenant\) is assigned to _`
}

func restoreDeferred(t string) {
	defer enterFunc(t) // want `the restore function returned by the deferred call of enterFunc \(which resets tenant\) is discarded: enterFunc makes its Set when the function returns, and nothing restores tenant's previous value; to set the value now and restore it on return, write defer enterFunc\(t\)\(\)`
	_ = process()
}

func restoreInLoop(ts []string) {
	for _, t := range ts {
		enterFunc(t) // want `the restore function returned by enterFunc \(which resets tenant\) is discarded: tenant's previous value is never restored; keep it and call it before the iteration ends`
	}
}

func restoreNotUsedOnAllPaths(t string) error {
	exit := enterFunc(t) // want `the exit variable that holds the restore function returned by enterFunc \(which resets tenant\) is not used on all paths \(possible Context leak\): the return statement on line 392 can be reached without it, and tenant's previous value is not restored there; call exit\(\) on every path, or defer it right after the call`
	if t == "" {
		return errEmpty
	}
	defer exit()
	return process()
}

func tupleDiscarded(name string) {
	startSpan(name)              // want `the restore function that startSpan returns as its second result \(which resets tenant\) is discarded: tenant's previous value is never restored; keep it and defer a call of it`
	_, _ = startSpan(name)       // want `the restore function that startSpan returns as its second result \(which resets tenant\) is assigned to _`
	n, _ := startSpanAgain(name) // want `startSpanAgain returns as its second result`
	_ = n
	var _, end = startSpan(name)
	defer end()
}

func tupleNotUsedOnAllPaths(name string) error {
	_, end := startSpan(name) // want `the end variable that holds the restore function that startSpan returns as its second result \(which resets tenant\) is not used on all paths`
	if name == "" {
		return errEmpty
	}
	end()
	return nil
}

func bothDiscarded(t, r string) {
	tok, _ := enterBoth(t, r) // want `the restore function that enterBoth returns as its second result \(which resets region\) is assigned to _`
	defer tenant.Reset(tok)
	_, exit := enterBoth(t, r) // want `the token that enterBoth returns as its first result \(tenant\.Set\) is assigned to _`
	defer exit()
	enterBoth(t, r) // want `the token that enterBoth returns as its first result \(tenant\.Set\) is discarded`
}

// Kept: silent.

func kept(t string, s *scope, ch chan<- *ctxvar.Token[string]) (*ctxvar.Token[string], error) {
	defer tenant.Reset(enterTenant(t))
	defer enterFunc(t)()
	s.tok = enterLogged(t)
	ch <- enterNamed(t)
	log.Println(enterEither(t))
	_, end := startSpan(t)
	defer end()
	exit := enterFuncLocal(t)
	defer exit()
	tok := enterTenant(t)
	if t == "" {
		tenant.Reset(tok)
		return nil, errEmpty
	}
	tenant.Reset(tok)
	return enterTenant(t), nil
}

func notHelpers(t string, s *scope) {
	mayReturnNil(t)
	passThrough(s.tok)
	fromField(s)
	resetBeforeReturn(t)
	resetDeferred(t)
	storedToo(s, t)
	namedUnassigned(t)
	maybeAssigned(t)
	recursive(2)
	namedOverwrittenByDefer(t)
	twice(t)
	tokenAndRestore(t)
	namedTokenInRestore(t)
	restoreNothing(t)
	restoreParam(s.tok)
	resetAlsoByCleanup(t)
	restoreStoredElsewhere(t, new([]func()))
	restoreMethodValue(t)
	tokenInRange(nil)
	_ = onlyPanics
}

// A helper's call where its Context ends with the function: silent.

func init() {
	enterTenant("init")
	enterFunc("init")
}

func spawned(t string) {
	ctxvar.Spawn(func() {
		enterTenant(t)
		enterFunc(t)
	})
	f := func() { enterTenant(t) }
	ctxvar.Spawn(f)
}

// Method values and func values of helpers are not followed: silent.
func helperValue(t string) {
	enter := enterTenant
	enter(t)
}

// A parameter hides the Var: no fix.
func shadowedTenant(tenant string) {
	enterTenant(tenant) // want `the token returned by enterTenant \(tenant\.Set\) is discarded: the previous value is never restored; keep it \(tok\) and defer tok\.Var\(\)\.Reset\(tok\)`
}

func restoreDeferredOrStarted(t string) {
	defer startSpan(t) // want `the restore function that the deferred call of startSpan returns as its second result \(which resets tenant\) is discarded: startSpan makes its Set when the function returns, and nothing restores tenant's previous value; to set the value now and restore it on return, call startSpan, keep the function and defer a call of it`
	go enterFunc(t)    // want `the restore function returned by the go call of enterFunc \(which resets tenant\) is discarded: the value it sets is never reset; call enterFunc on the goroutine that needs the value and defer the function it returns`
	for range 2 {
		defer enterFunc(t) // want `the restore function returned by the deferred call of enterFunc`
	}
}
