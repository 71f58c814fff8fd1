package barego

import (
	"go/ast"
	"go/types"
	"maps"
	"slices"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// Starts is the result of a barego analyzer on a package: which functions
// run the function arguments of their calls on another goroutine, and in
// which Context. Analyzers that follow goroutines from where they start,
// such as unsetget, require barego and ask its Starts, so that they take
// the same calls for goroutine starts as barego does, however barego is
// configured.
//
// A function launches a parameter when it runs the function passed there on
// another goroutine that starts with an empty Context: the launchers barego
// knows (errgroup.(*Group).Go, time.AfterFunc, ...), those of
// Config.Launchers, and the functions that hand a func parameter to a go
// statement or to another launcher (Launcher facts). It spawns a parameter
// when it runs the function in a copy of the caller's Context: ctxvar.Spawn,
// Bind, BindErr and BindArg, the spawners of Config.Spawners, and the
// functions that hand a func parameter to one of those (Binder facts).
//
// Starts answers for the functions of the package and for those of other
// packages that the package calls: barego imports their facts while its
// pass runs, since a Starts must outlive the pass. Of any other function it
// knows only what the configuration says. A Starts does not change once
// barego returns it, so concurrent use is safe. The nil *Starts knows the
// launchers barego knows without configuration.
type Starts struct {
	set *settings
	api *ctxvarapi.API // nil when the package cannot reach the runtime

	// known holds the functions the package declares or calls that launch
	// or spawn something, by generic origin; other functions go by set
	// and api alone.
	known map[*types.Func]Start
}

// A Start tells which parameters of a function, by index with the receiver
// not counted, in ascending order, the function runs on another goroutine.
// A parameter is in at most one of the lists. The lists may be shared:
// callers must not change them.
type Start struct {
	// Launched are the parameters whose functions run on another goroutine
	// with an empty Context.
	Launched []int

	// Spawned are the parameters whose functions run in a copy of the
	// caller's Context, as ctxvar.Spawn's does.
	Spawned []int
}

// Of returns which parameters fn runs on another goroutine. fn may be an
// instantiation of a generic function or method: Of answers for its origin.
// The zero Start says that fn runs none, as far as barego knows.
func (s *Starts) Of(fn *types.Func) Start {
	if fn == nil {
		return Start{}
	}
	fn = fn.Origin()
	if s == nil {
		return startOf(defaultSettings, nil, fn, nil)
	}
	if st, ok := s.known[fn]; ok {
		return st
	}
	return startOf(s.set, s.api, fn, nil)
}

// Args returns the function a call calls statically, with the indexes, in
// call.Args, of the arguments it runs on another goroutine: as Of says for
// the function, with the receiver argument of a method expression
// (T.Method(recv, f)) counted. fn is nil for a call without a static callee,
// such as a call of a func value or an interface method.
func (s *Starts) Args(info *types.Info, call *ast.CallExpr) (fn *types.Func, launched, spawned []int) {
	fn = typeutil.StaticCallee(info, call)
	if fn == nil {
		return nil, nil, nil
	}
	st := s.Of(fn)
	return fn, argIndexes(info, call, fn, st.Launched), argIndexes(info, call, fn, st.Spawned)
}

// newStarts returns the Starts of a package: pa, after findWrappers, tells
// its wrappers and those of the functions it calls; a nil pa, for a package
// that cannot reach the runtime, tells none.
func newStarts(set *settings, pa *pkgAnalysis) *Starts {
	s := &Starts{set: set}
	if pa == nil {
		return s
	}
	s.api = pa.api
	s.known = make(map[*types.Func]Start)
	add := func(fn *types.Func) {
		if _, ok := s.known[fn]; ok {
			return
		}
		if st := pa.startOf(fn); st.Launched != nil || st.Spawned != nil {
			s.known[fn] = st
		}
	}
	// collect has seen every call of the package: its callees are all the
	// functions a call may ask about.
	for fn, info := range pa.callees {
		// Only a function with a func parameter can be a wrapper, so most
		// need no look-up of their facts.
		if !info.dynamic && hasFuncParam(fn) {
			add(fn)
		}
	}
	for fn := range pa.wrappers {
		add(fn)
	}
	return s
}

// startOf is what pa knows of fn, a generic origin.
func (pa *pkgAnalysis) startOf(fn *types.Func) Start {
	return startOf(pa.set, pa.api, fn, pa.roles)
}

// startOf returns which parameters fn, a generic origin, runs on another
// goroutine: those of the runtime's Spawn and Bind functions; a spawner's
// or a launcher of the settings, whatever barego finds in its body; or
// those that roles, when not nil, finds it to launch or bind. It is the one
// place that decides, for barego's own checks and for its Starts.
//
// A parameter a function both launches and binds is launched: on some path
// it runs without the caller's Context.
func startOf(set *settings, api *ctxvarapi.API, fn *types.Func, roles func(*types.Func) *wrapperRoles) Start {
	if api != nil && fn.Pkg() == api.Pkg && (fn == api.Spawn || fn == api.Bind || fn == api.BindErr || fn == api.BindArg) {
		return Start{Spawned: []int{0}}
	}
	var st Start
	switch configured(set, fn) {
	case spawner:
		return Start{Spawned: launchedParams(set, fn)}
	case launcher:
		st.Launched = launchedParams(set, fn)
	}
	if roles == nil {
		return st
	}
	r := roles(fn)
	if r == nil {
		return st
	}
	if st.Launched == nil && len(r.launches) > 0 {
		st.Launched = slices.Sorted(maps.Keys(r.launches))
	}
	for _, p := range slices.Sorted(maps.Keys(r.binds)) {
		if !slices.Contains(st.Launched, p) {
			st.Spawned = append(st.Spawned, p)
		}
	}
	return st
}

// argIndexes returns the indexes of the arguments a call passes to the
// callee's parameters params: a method expression's receiver argument
// comes first.
func argIndexes(info *types.Info, call *ast.CallExpr, callee *types.Func, params []int) []int {
	if len(params) == 0 {
		return nil
	}
	_, offset, ok := callSignature(info, call, callee)
	if !ok {
		return nil
	}
	var idx []int
	for _, p := range params {
		if p+offset < len(call.Args) {
			idx = append(idx, p+offset)
		}
	}
	return idx
}

// launchedParams returns the parameters a launcher or spawner of the
// settings runs: those the builtin list names, or else its func-typed
// parameters.
func launchedParams(set *settings, fn *types.Func) []int {
	if p, ok := builtinParams[launcherKey(fn)]; ok {
		return p
	}
	var idx []int
	params := fn.Signature().Params()
	for i := range params.Len() {
		if isFuncType(params.At(i).Type()) {
			idx = append(idx, i)
		}
	}
	return idx
}

// hasFuncParam reports whether fn has a parameter of function type.
func hasFuncParam(fn *types.Func) bool {
	params := fn.Signature().Params()
	for i := range params.Len() {
		if isFuncType(params.At(i).Type()) {
			return true
		}
	}
	return false
}

// isFuncType reports whether a parameter of type t holds a function: t is
// a function type, or a type parameter whose constraint admits function
// types only (F ~func()), which a generic launcher may take.
func isFuncType(t types.Type) bool {
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		_, ok := t.Underlying().(*types.Signature)
		return ok
	}
	iface, ok := tp.Constraint().Underlying().(*types.Interface)
	if !ok {
		return false
	}
	// The type set is the intersection of the embedded elements': one that
	// holds only function types is enough.
	for i := range iface.NumEmbeddeds() {
		switch e := iface.EmbeddedType(i).(type) {
		case *types.Union:
			funcs := e.Len() > 0
			for j := range e.Len() {
				if _, ok := e.Term(j).Type().Underlying().(*types.Signature); !ok {
					funcs = false
				}
			}
			if funcs {
				return true
			}
		default:
			if _, ok := e.Underlying().(*types.Signature); ok {
				return true
			}
		}
	}
	return false
}
