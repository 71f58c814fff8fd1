// Package gls ports the tests and examples of github.com/jtolds/gls, a
// goroutine-local storage library, to ctxvar. A ContextManager's
// SetValues(values, fn), which sets values for the duration of fn, becomes
// Sets of Vars around fn (generic helpers that take the Var as an
// argument, and a ContextManager kept for the shape of the API); GetValue
// becomes Lookup; gls.Go, which starts a goroutine that keeps the caller's
// values, becomes a helper built on ctxvar.Spawn. A bare go statement sees
// none of the values in both libraries; gls's tests check that on purpose,
// and the ported tests read the Vars on a bare goroutine, which barego
// reports unless a directive says it is meant.
package gls

import (
	"github.com/ctxvar/ctxvar/ctxvar"
)

var (
	key1      = ctxvar.New[string]("key1")
	key2      = ctxvar.New[string]("key2")
	otherKey1 = ctxvar.New[string]("otherKey1")
	otherKey2 = ctxvar.New[string]("otherKey2")
	requestID = ctxvar.New[string]("request_id")
)

func sink(...any) {}

// Values maps Vars to the values SetValues gives them.
type Values map[*ctxvar.Var[string]]string

// ContextManager keeps gls's API: it sets Values around a function.
type ContextManager struct{}

func NewContextManager() *ContextManager { return &ContextManager{} }

// SetValues sets values while fn runs and restores them when it returns.
func (m *ContextManager) SetValues(values Values, fn func()) {
	toks := make(map[*ctxvar.Var[string]]*ctxvar.Token[string], len(values))
	defer func() {
		for v, tok := range toks {
			v.Reset(tok)
		}
	}()
	for v, x := range values {
		toks[v] = v.Set(x) // ok: losttoken [handed-off]
	}
	fn()
}

// GetValue looks v up in the current Context.
func (m *ContextManager) GetValue(v *ctxvar.Var[string]) (string, bool) {
	return v.Lookup()
}

// Go starts cb on a new goroutine that keeps the caller's values.
func Go(cb func()) {
	ctxvar.Spawn(cb)
}

// withValue sets v to x while fn runs.
func withValue[T any](v *ctxvar.Var[T], x T, fn func()) {
	defer v.Reset(v.Set(x)) // ok: losttoken [var-arg]
	fn()
}

// setValue sets v and forgets the token.
func setValue[T any](v *ctxvar.Var[T], x T) {
	v.Set(x) // mistake: losttoken [var-arg]
}

// pushValue sets v and hands back the func that restores it.
func pushValue[T any](v *ctxvar.Var[T], x T) (pop func()) {
	tok := v.Set(x) // ok: losttoken [reset-func]
	return func() { v.Reset(tok) }
}

// readValue reads v: it panics where v is unset.
func readValue[T any](v *ctxvar.Var[T]) T {
	return v.Get()
}

// mustGet is readValue without type parameters.
func mustGet(v *ctxvar.Var[string]) string {
	return v.Get()
}

// ensure sets v unless it has a value, then reads it.
func ensure(v *ctxvar.Var[string], def string) string {
	if _, ok := v.Lookup(); !ok {
		defer v.Reset(v.Set(def)) // ok: losttoken [lookup-guard]
		return v.Get()
	}
	return v.Get()
}

// serve is a request loop: each request's values are set around its
// handler, and a background goroutine per request does the logging.
func serve(ids []string, handle func()) {
	for _, id := range ids {
		withValue(requestID, id, handle)
		pop := pushValue(requestID, id) // ok: losttoken [reset-func]
		go logRequest()                 // mistake: barego, unsetget [go-named]
		Go(logRequest)                  // ok: barego [spawner]
		pop()
		pushValue(requestID, id) // mistake: losttoken [reset-func]
	}
}

func logRequest() {
	sink(requestID.Get())
}

// Lookalikes of the removed API and of Python's names: this package's own,
// or names the runtime has.

// Registry keeps named Vars; its Delete is its own.
type Registry struct {
	vars map[string]*ctxvar.Var[string]
}

func (r *Registry) Delete(name string) { delete(r.vars, name) }

func (r *Registry) get(name string) *ctxvar.Var[string] { return r.vars[name] }

func EnableInherit() {}

func DisableInherit() {}

// legacy embeds a Var and adds the Delete that ctxvar never had.
type legacy struct {
	*ctxvar.Var[string]
}

func (legacy) Delete() {}

func lookalikes(r *Registry, l legacy) {
	r.Delete("x")                  // ok: removedapi [lookalike]
	sink(r.get("x"))               // ok: removedapi [lookalike]
	EnableInherit()                // ok: removedapi [lookalike]
	DisableInherit()               // ok: removedapi [lookalike]
	l.Delete()                     // ok: removedapi [lookalike]
	sink(l.Name(), key1.Name())    // ok: removedapi [runtime-name]
	c := ctxvar.Copy()             // ok: removedapi [runtime-name]
	sink(c.Copy(), c.Len())        // ok: removedapi [runtime-name]
	sink(key1.GetOr("default"))    // ok: removedapi [runtime-name]
	sink(ctxvar.ValueIn(c, key1))  // ok: removedapi [runtime-name]
	defer key2.Reset(key2.Set("")) // ok: removedapi, losttoken [runtime-name]
}
