package barego

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/funcvals"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
)

// pkgAnalysis holds what barego learns about one package: a summary of
// every function's use of its goroutine's Context, and the package's
// launcher and binder wrappers.
type pkgAnalysis struct {
	pass *analysis.Pass
	info *types.Info
	api  *ctxvarapi.API // nil when the package does not import the runtime
	at   *guard.Position
	set  *settings

	files []*fileChecks // the nodes to check, file by file

	funcs []*fnode                 // every function declaration and literal with a body
	decls map[*types.Func]*fnode   // declared functions, by object
	lits  map[*ast.FuncLit]*fnode  // function literals
	facts map[*types.Func]*summary // imported Uses facts; nil when there is none
	uses  Uses                     // where funcSummary imports a fact, which summaryOf does not keep

	launcher Launcher // where calleeInfo imports a fact, only to know it is there

	// handlerVars are the Vars that the ctxvarslog handlers the package
	// sees add to log records, sorted by name: calls of log/slog read them.
	handlerVars []HandlerVar

	// fieldOwners names each field of a package-level struct type as
	// Type.field, per package, so that a field holding a Var can be named.
	fieldOwners map[*types.Package]map[*types.Var]string

	stack []int // buildEvents' stack of enclosing calls, by index in fnode.calls

	callees map[*types.Func]*calleeInfo // the functions called statically

	wrappers map[*types.Func]*wrapperRoles // this package's launchers and binders
	imported map[*types.Func]*wrapperRoles // imported Launcher and Binder facts
	content  map[string][]byte             // file contents, for fixes

	fvals *funcvals.Resolver // what local func variables hold; made when first needed

	// params indexes the parameters that may hold a Var (a *ctxvar.Var[T],
	// an interface, a type parameter, a named struct or a pointer to one)
	// of the functions and literals of the package: -1 for a receiver.
	params map[*types.Var]int

	// written holds the parameters, and the package-level variables of
	// this package, that the package assigns, increments or takes the
	// address of, whole or in part.
	written map[*types.Var]bool

	bindings map[bindKey]binding   // what the calls of functions that read their parameters bind them to
	setReads map[*types.Var]*pRead // see setOf

	claimed map[*types.Scope]map[string]bool // the names the fixes of go statements bind, by scope
	carried map[*action]*action              // see carriedAction
}

// An fnode is a function declaration or literal being summarized.
type fnode struct {
	index  int // in pkgAnalysis.funcs
	body   *ast.BlockStmt
	calls  []callRecord // the calls in the body that can matter, in preorder
	mayUse bool         // it may use the Context, whatever the Vars set
	flowed bool         // flowOf is done
	cfg    *cfg.CFG     // built when needed: for flow
	blocks [][]*event   // the events of each CFG block, in evaluation order
	events []*event     // all of them
	sum    summary

	callers []*fnode // functions of the package that call it

	loop     *Loop // the stream of work it serves, if any: see loopOf
	loopDone bool
}

type eventKind int

const (
	evRead  eventKind = iota // a Var read: Get, GetOr, Lookup
	evSet                    // a Set, or a call of code that may set any Var
	evCarry                  // a runtime function that takes the Context along
	evCall                   // a static call, whose callee's summary applies
	evLog                    // a call of log/slog: reads of the ctxvarslog handler's Vars
	evMulti                  // a call of a local func variable that may hold one of several functions
)

// An action is what a call does with its goroutine's Context. Most are
// calls (evCall), one for each function called: what reads and Sets hold
// is kept out of line.
type action struct {
	kind    eventKind
	read    *Read      // evRead
	pread   *pRead     // evRead of a Var a parameter holds; with evSet, a read through an interface
	reads   []*Read    // evLog
	set     *VarRef    // evSet, unless setAny or pset
	pset    *types.Var // evSet of the Var a parameter holds
	setAny  bool       // a Set of a Var that cannot be identified, or a call of unknown code
	carry   string
	carried ast.Expr    // the function Spawn, Bind, BindErr or BindArg carries the Context to
	callee  *types.Func // evCall of a declared function (generic origin)
	lit     *ast.FuncLit

	// For an evCall of a function value that funcvals resolved: the
	// receiver of a method value, or whether the call's first argument is
	// the receiver of a method expression. A direct call tells them itself.
	recv       ast.Expr
	methodExpr bool

	alts []*action // evMulti: one action for each function the variable may hold
}

// An event is the action of a call at one place in a function's CFG; a
// call the CFG holds twice has two events, which share the action.
type event struct {
	*action
	call     *ast.CallExpr // the call the event comes from
	deferred bool          // runs when the function returns

	// before holds the Vars surely set (or treated as set) when the event
	// happens; Var reads of those Vars do not read an empty Context.
	before varState
}

// varState is a set of Vars, and of parameters holding Vars; all means
// every Var (also the state of unreachable code, where nothing is
// reported). Its lists are short, and shared: states are copied before
// they change.
type varState struct {
	vars   []VarRef
	params []*types.Var
	all    bool
}

func (s varState) has(v VarRef) bool          { return s.all || slices.Contains(s.vars, v) }
func (s varState) hasParam(p *types.Var) bool { return s.all || slices.Contains(s.params, p) }
func (s varState) empty() bool                { return !s.all && len(s.vars) == 0 && len(s.params) == 0 }

// with returns s with v added. When shared is set, s's list is another
// state's too, and with adds v to a copy; it returns whether the result's
// list is still shared.
func (s varState) with(v VarRef, shared bool) (varState, bool) {
	if s.has(v) {
		return s, shared
	}
	if shared {
		s.vars = slices.Clip(s.vars) // append copies
	}
	s.vars = append(s.vars, v)
	return s, false
}

// withParam returns s with parameter p added; its list of parameters is
// always copied, as they are rare.
func (s varState) withParam(p *types.Var) varState {
	if s.hasParam(p) {
		return s
	}
	s.params = append(slices.Clip(s.params), p)
	return s
}

// withSets returns s with what a call may set added, as with does.
func (s varState) withSets(sets callSets, shared bool) (varState, bool) {
	if sets.any {
		return varState{all: true}, false
	}
	for _, v := range sets.vars {
		s, shared = s.with(v, shared)
	}
	for _, p := range sets.params {
		s = s.withParam(p)
	}
	return s, shared
}

// meet intersects s with t (s is the state already on a block's entry).
func meet(s, t varState) (varState, bool) {
	if t.all {
		return s, false
	}
	if s.all {
		return t, true // states are copied before they change
	}
	changed := false
	var out varState
	for _, v := range s.vars {
		if slices.Contains(t.vars, v) {
			out.vars = append(out.vars, v)
		} else {
			changed = true
		}
	}
	for _, p := range s.params {
		if slices.Contains(t.params, p) {
			out.params = append(out.params, p)
		} else {
			changed = true
		}
	}
	if !changed {
		return s, false
	}
	return out, true
}

func newPkgAnalysis(pass *analysis.Pass, at *guard.Position, s *settings, api *ctxvarapi.API) *pkgAnalysis {
	return &pkgAnalysis{
		pass:        pass,
		info:        pass.TypesInfo,
		api:         api,
		at:          at,
		set:         s,
		decls:       make(map[*types.Func]*fnode),
		lits:        make(map[*ast.FuncLit]*fnode),
		facts:       make(map[*types.Func]*summary),
		fieldOwners: make(map[*types.Package]map[*types.Var]string),
		callees:     make(map[*types.Func]*calleeInfo),
		wrappers:    make(map[*types.Func]*wrapperRoles),
		imported:    make(map[*types.Func]*wrapperRoles),
		content:     make(map[string][]byte),
		params:      make(map[*types.Var]int),
		written:     make(map[*types.Var]bool),
		bindings:    make(map[bindKey]binding),
		setReads:    make(map[*types.Var]*pRead),
		claimed:     make(map[*types.Scope]map[string]bool),
		carried:     make(map[*action]*action),
	}
}

// summarize computes the summary of every function in the package.
//
// A summary is computed in three steps, so that each fixpoint is monotone
// and recursion terminates: the Vars each function may set (a union over
// its events and callees); then, for each function, which Vars are set on
// every path to each event (a must-analysis over its CFG, where a call sets
// what its callee may set: unsure means silent); then the Vars each
// function may read before setting them (a union over its events and
// callees, each filtered by the state before it). The must-analysis, and
// the CFG it needs, are spent only on functions that may use the Context
// at all, which a cheaper union tells first.
func (pa *pkgAnalysis) summarize() {
	pa.collect()
	// Until a function needs its CFG, its events are its calls, once each:
	// the steps that take unions need no more. They are allocated all
	// together.
	total := 0
	for _, fn := range pa.funcs {
		total += len(fn.calls)
	}
	events, ptrs := make([]event, total), make([]*event, total)
	for _, fn := range pa.funcs {
		n := len(fn.calls)
		// Capped, so that buildEvents's appends to them do not run into
		// the next function's.
		fn.events, ptrs = ptrs[:n:n], ptrs[n:]
		for i, c := range fn.calls {
			events[i] = event{action: c.action, call: c.call, deferred: c.deferred}
			fn.events[i] = &events[i]
		}
		events = events[n:]
	}

	for _, fn := range pa.funcs {
		for _, e := range fn.events {
			add := func(callee *fnode) {
				if callee != nil && callee != fn && !slices.Contains(callee.callers, fn) {
					callee.callers = append(callee.callers, fn)
				}
			}
			pa.carriedNodes(e.action, add)
			pa.eachCall(e.action, func(a *action) { add(pa.calleeNode(a)) })
		}
	}

	// The Vars each function may set.
	pa.fixpoint(func(fn *fnode) bool {
		grew := false
		for _, e := range fn.events {
			switch e.kind {
			case evSet:
				switch {
				case e.setAny || e.pset != nil && !pa.tracked(e.pset):
					if !fn.sum.setsAny {
						fn.sum.setsAny, grew = true, true
					}
				case e.pset != nil:
					grew = fn.sum.addPSet(e.pset) || grew
				default:
					grew = fn.sum.addSet(*e.set) || grew
				}
			case evCall, evMulti:
				sets := pa.callSets(e.action, e.call, &fn.sum)
				if sets.any && !fn.sum.setsAny {
					fn.sum.setsAny, grew = true, true
				}
				for _, v := range sets.vars {
					grew = fn.sum.addSet(v) || grew
				}
				for _, p := range sets.params {
					grew = fn.sum.addPSet(p) || grew
				}
			}
		}
		return grew
	})

	// Which functions may use the Context, if no Var were ever set: a
	// function that may not reads nothing before setting it, whatever it
	// sets, and needs no CFG.
	pa.fixpoint(func(fn *fnode) bool {
		if fn.mayUse {
			return false
		}
		for _, e := range fn.events {
			if pa.mayUse(e.action) {
				fn.mayUse = true
				return true
			}
		}
		return false
	})

	// The Vars set before each event.
	for _, fn := range pa.funcs {
		if fn.mayUse {
			pa.flowOf(fn)
		}
	}

	// The Vars each function may read before setting them.
	pa.fixpoint(func(fn *fnode) bool {
		grew := false
		for _, e := range fn.events {
			filter := e.before
			if e.deferred {
				// A deferred call runs at the return, after any Set of
				// the function: only Vars it never sets count.
				filter = varState{vars: fn.sum.sets, params: fn.sum.psets, all: fn.sum.setsAny}
			}
			if pa.apply(&fn.sum, e.action, e.call, filter) {
				grew = true
			}
		}
		return grew
	})
}

// mayUse reports whether an action may use the Context, if no Var were
// ever set: as far as the mayUse of the functions of the package tell.
func (pa *pkgAnalysis) mayUse(a *action) bool {
	switch a.kind {
	case evRead, evLog, evCarry:
		return true
	case evSet:
		return a.pread != nil
	case evCall:
		if fn := pa.calleeNode(a); fn != nil {
			return fn.mayUse
		}
		cs := pa.calleeSummary(a)
		return cs.usesContext() || cs != nil && len(cs.preads) > 0
	case evMulti:
		return slices.ContainsFunc(a.alts, pa.mayUse)
	}
	return false
}

// eachCall calls f with a, or with each of its alternatives when a is an
// evMulti.
func (pa *pkgAnalysis) eachCall(a *action, f func(*action)) {
	if a.kind == evMulti {
		for _, alt := range a.alts {
			f(alt)
		}
		return
	}
	f(a)
}

// flowOf builds fn's CFG and events, and finds the Vars set before each
// event, unless done already. It needs the Vars each function may set.
//
// A function that may set no Var needs neither when all of its code can be
// reached: no Var is set before any of its events, which is what the
// events made from its calls say already. (Code that cannot be reached,
// where its events would have every Var set, is rare; the CFG tells it.)
func (pa *pkgAnalysis) flowOf(fn *fnode) {
	if fn.flowed || len(fn.calls) == 0 {
		return
	}
	fn.flowed = true
	pa.at.At(fn.body.Pos())
	if len(fn.sum.sets) == 0 && len(fn.sum.psets) == 0 && !fn.sum.setsAny && pa.allReachable(fn.body.List) {
		return
	}
	pa.buildEvents(fn)
	pa.flow(fn)
}

// fixpoint runs step on every function, and again on the callers of each
// function for which it reports growth, until nothing grows. Summaries only
// grow, within finite sets, so it terminates, recursion included.
func (pa *pkgAnalysis) fixpoint(step func(*fnode) bool) {
	// The work list is a queue of size functions from work[head], in a
	// ring: a function is queued at most once, so there is room for all.
	n := len(pa.funcs)
	work := slices.Clone(pa.funcs)
	head, size := 0, n
	queued := make([]bool, n) // by fnode.index
	for i := range queued {
		queued[i] = true
	}
	for size > 0 {
		fn := work[head]
		head, size = (head+1)%n, size-1
		queued[fn.index] = false
		pa.at.At(fn.body.Pos())
		if !step(fn) {
			continue
		}
		for _, caller := range fn.callers {
			if !queued[caller.index] {
				queued[caller.index] = true
				work[(head+size)%n] = caller
				size++
			}
		}
	}
}

// carriesToUser reports whether the Context an evCarry event carries may be
// used: always for Copy, whose snapshot may run anything, and for a
// function that cannot be resolved; for one that can, when it uses the
// Context.
func (pa *pkgAnalysis) carriesToUser(e *action) bool {
	if e.carried == nil {
		return true
	}
	a := pa.carriedAction(e)
	switch {
	case a == nil:
		return true
	case a.kind == evCall:
		return pa.calleeSummary(a).usesContext()
	}
	return pa.actionSummary(a, nil).usesContext()
}

// carriedAction returns the action of calling the function an evCarry
// event carries the Context to, once for each event's action.
func (pa *pkgAnalysis) carriedAction(e *action) *action {
	a, ok := pa.carried[e]
	if !ok {
		a = pa.valueAction(e.carried)
		pa.carried[e] = a
	}
	return a
}

// carriedNodes calls f with the functions of this package an evCarry event
// carries the Context to.
func (pa *pkgAnalysis) carriedNodes(e *action, f func(*fnode)) {
	if e.kind != evCarry || e.carried == nil {
		return
	}
	if a := pa.carriedAction(e); a != nil {
		pa.eachCall(a, func(a *action) { f(pa.calleeNode(a)) })
	}
}

// calleeNode returns the function of this package an evCall event calls.
func (pa *pkgAnalysis) calleeNode(e *action) *fnode {
	switch {
	case e.kind != evCall:
		return nil
	case e.lit != nil:
		return pa.lits[e.lit]
	case e.callee == nil:
		return nil
	}
	return pa.decls[e.callee]
}

// apply adds to sum what action e, of call, reads or carries, leaving out
// the Vars in filter; it reports whether sum grew.
func (pa *pkgAnalysis) apply(sum *summary, e *action, call *ast.CallExpr, filter varState) bool {
	grew := false
	switch e.kind {
	case evRead:
		if e.pread != nil {
			return pa.applyParamRead(sum, e.pread, filter)
		}
		if !filter.has(e.read.Var) {
			grew = sum.addRead(e.read)
		}
	case evSet:
		if e.pread != nil {
			return pa.applyParamRead(sum, e.pread, filter)
		}
	case evLog:
		for _, r := range e.reads {
			if !filter.has(r.Var) && sum.addRead(r) {
				grew = true
			}
		}
	case evCarry:
		if filter.empty() && pa.carriesToUser(e) {
			grew = sum.addCarry(e.carry)
		}
	case evCall:
		cs := pa.calleeSummary(e)
		if cs == nil || cs == sum {
			return false
		}
		for _, r := range cs.reads {
			if !filter.has(r.Var) && (r.Log == "" || pa.logsVar(r.Var)) && sum.addRead(r) {
				grew = true
			}
		}
		for _, pr := range cs.preads {
			b := pa.bind(pr, e, call)
			switch {
			case b.read != nil:
				if !filter.has(b.read.Var) && sum.addRead(b.read) {
					grew = true
				}
			case b.param != nil:
				if pa.applyParamRead(sum, b.param, filter) {
					grew = true
				}
			}
		}
		if filter.empty() {
			for _, c := range cs.carries {
				if sum.addCarry(c) {
					grew = true
				}
			}
		}
	case evMulti:
		// A variable that may hold one of several functions is taken to
		// use the Context only when each of them does; its reads are
		// then those of the first, which surely happen on some path.
		var first *summary
		for _, alt := range e.alts {
			s := new(summary)
			pa.apply(s, alt, call, filter)
			if !s.usesContext() && len(s.preads) == 0 {
				return false
			}
			if first == nil {
				first = s
			}
		}
		if first == nil {
			return false
		}
		for _, r := range first.reads {
			grew = sum.addRead(r) || grew
		}
		for _, pr := range first.preads {
			grew = sum.addPRead(pr) || grew
		}
		for _, c := range first.carries {
			grew = sum.addCarry(c) || grew
		}
	}
	return grew
}

func (pa *pkgAnalysis) newNode(body *ast.BlockStmt) *fnode {
	fn := &fnode{body: body, index: len(pa.funcs)}
	pa.funcs = append(pa.funcs, fn)
	return fn
}

// buildEvents builds fn's CFG and finds the events of each of its blocks.
//
// The events of a CFG node are those of the calls in it, in evaluation
// order: a call's operands before the call, that is, in postorder. Function
// literals are not run where they appear and contribute nothing unless
// called on the spot; a go statement's function runs elsewhere, but its
// operands are evaluated here. fn.calls holds exactly the calls that make
// events, in preorder, so a node's calls are those that start within it,
// and a stack turns their preorder into postorder.
func (pa *pkgAnalysis) buildEvents(fn *fnode) {
	fn.cfg = cfg.New(fn.body, pa.mayReturn)
	fn.blocks = make([][]*event, len(fn.cfg.Blocks))
	// The events made from the calls, one for each, serve as the first
	// event of their call: only a call that the CFG holds twice needs
	// another. A block's events are a piece of the function's.
	first := fn.events
	used := make([]bool, len(first))
	events := make([]*event, 0, len(first))
	emit := func(i int) {
		e := first[i]
		if used[i] {
			c := &fn.calls[i]
			e = &event{action: c.action, call: c.call, deferred: c.deferred}
		}
		used[i] = true
		events = append(events, e)
	}
	for _, b := range fn.cfg.Blocks {
		start := len(events)
		for _, n := range b.Nodes {
			pos, end := n.Pos(), n.End()
			i, _ := slices.BinarySearchFunc(fn.calls, pos, func(c callRecord, pos token.Pos) int {
				return cmp.Compare(c.call.Pos(), pos)
			})
			stack := pa.stack[:0]
			for ; i < len(fn.calls) && fn.calls[i].call.Pos() < end; i++ {
				c := fn.calls[i].call
				for len(stack) > 0 && fn.calls[stack[len(stack)-1]].call.End() <= c.Pos() {
					emit(stack[len(stack)-1])
					stack = stack[:len(stack)-1]
				}
				stack = append(stack, i)
			}
			for len(stack) > 0 {
				emit(stack[len(stack)-1])
				stack = stack[:len(stack)-1]
			}
			pa.stack = stack
		}
		fn.blocks[b.Index] = events[start:len(events):len(events)]
	}
	fn.events = events
}

// flow computes, for each event of fn, the Vars set on every path from the
// function's entry to it.
func (pa *pkgAnalysis) flow(fn *fnode) {
	blocks := fn.cfg.Blocks
	in := make([]varState, len(blocks))
	for i := range in {
		in[i] = varState{all: true}
	}
	in[0] = varState{}
	// transfer runs the events of a block. The states it records are
	// shared, as is the state on the block's entry: it copies a state
	// before changing it.
	transfer := func(b *cfg.Block, s varState, record bool) varState {
		shared := true
		for _, e := range fn.blocks[b.Index] {
			if record {
				e.before, shared = s, true
			}
			if e.deferred {
				continue
			}
			switch e.kind {
			case evSet:
				switch {
				case e.setAny || e.pset != nil && !pa.tracked(e.pset):
					s = varState{all: true}
				case e.pset != nil:
					s = s.withParam(e.pset)
				default:
					s, shared = s.with(*e.set, shared)
				}
			case evCall, evMulti:
				s, shared = s.withSets(pa.callSets(e.action, e.call, nil), shared)
			}
		}
		return s
	}
	visited := make([]bool, len(blocks))
	work := []*cfg.Block{blocks[0]}
	visited[0] = true
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		out := transfer(b, in[b.Index], false)
		for _, succ := range b.Succs {
			next, changed := meet(in[succ.Index], out)
			if changed || !visited[succ.Index] {
				in[succ.Index] = next
				visited[succ.Index] = true
				work = append(work, succ)
			}
		}
	}
	for _, b := range blocks {
		transfer(b, in[b.Index], true)
	}
}

// classifyCall classifies a call: a Var read or Set, a runtime function
// that carries the Context, a call of log/slog where a ctxvarslog handler
// reads Vars, or a static call of a function that may use or set Vars. It
// returns nil for calls that cannot matter: calls of functions of other
// packages that have no Uses fact, calls of the runtime's other functions
// (c.Run and ctxvar.RunContext run their function in another Context than
// the goroutine's, and what it sets stays there), or calls of func values
// and interface methods that cannot set Vars. A call of a local func
// variable (or of a field or element of a local literal) calls what
// funcvals finds it may hold. The event it returns is a template, which
// the events of the call copy.
//
// callee is typeutil.Callee's result for the call, a function's generic
// origin; info is its calleeInfo if known, or nil.
func (pa *pkgAnalysis) classifyCall(call *ast.CallExpr, callee types.Object, info *calleeInfo) *action {
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return &action{kind: evCall, lit: lit}
	}
	fn, _ := callee.(*types.Func)
	if fn == nil {
		if !pa.mayRunAnything(call, callee) {
			return nil
		}
		if a := pa.valuesCall(call); a != nil {
			return a
		}
		return setsAnyVar
	}
	recv, _ := pa.callRecv(call)
	return pa.classifyFunc(call, fn, recv, info)
}

// callRecv returns the receiver of a method call: x for x.M(...), and the
// first argument of a method expression's call, T.M(x, ...), for which
// methodExpr is set.
func (pa *pkgAnalysis) callRecv(call *ast.CallExpr) (recv ast.Expr, methodExpr bool) {
	sel, ok := ctxvarapi.StripIndex(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	s, ok := pa.info.Selections[sel]
	if !ok {
		return nil, false
	}
	switch s.Kind() {
	case types.MethodVal:
		return sel.X, false
	case types.MethodExpr:
		if len(call.Args) > 0 {
			return call.Args[0], true
		}
	}
	return nil, false
}

// classifyFunc classifies a call of fn, a function's generic origin, whose
// receiver is recv (nil for a function).
func (pa *pkgAnalysis) classifyFunc(call *ast.CallExpr, fn *types.Func, recv ast.Expr, info *calleeInfo) *action {
	if pa.api != nil && fn.Pkg() == pa.api.Pkg {
		switch {
		case pa.api.IsVarRead(fn):
			if recv == nil {
				return nil
			}
			if pr := pa.paramRead(recv, fn.Name()); pr != nil {
				return &action{kind: evRead, pread: pr}
			}
			obj := ctxvarapi.VarObject(pa.info, recv)
			v, ok := pa.varRef(obj)
			if !ok {
				return nil
			}
			r := Read{Var: v, Method: fn.Name()}
			if obj.IsField() {
				if via, ok := pa.fieldPath(recv); ok && via != v {
					r.Via = via
				}
			}
			return &action{kind: evRead, read: &r}
		case fn == pa.api.Set:
			if p := pa.paramVar(recv); p != nil {
				return &action{kind: evSet, pset: p}
			}
			v, ok := pa.varRef(ctxvarapi.VarObject(pa.info, recv))
			if !ok {
				return &action{kind: evSet, setAny: true}
			}
			return &action{kind: evSet, set: &v}
		case pa.api.IsContextCarrier(fn):
			e := &action{kind: evCarry, carry: fn.Name()}
			if fn != pa.api.Copy && fn != pa.api.WithCurrent && len(call.Args) == 1 {
				e.carried = call.Args[0]
			}
			return e
		}
		if fn.Pkg() != pa.pass.Pkg {
			return nil
		}
	}
	if info == nil {
		info = pa.calleeInfo(fn)
	}
	if info.dynamic {
		anything := pa.mayRunAnything(call, fn)
		// A reading method called through an interface or a type
		// parameter reads the Var of a *ctxvar.Var[T] passed there.
		if p := pa.paramVar(recv); p != nil && pa.isVarMethodName(fn.Name()) {
			if anything {
				return &action{kind: evSet, setAny: true, pread: &pRead{param: p, method: fn.Name(), dynamic: true}}
			}
			return &action{kind: evRead, pread: &pRead{param: p, method: fn.Name(), dynamic: true}}
		}
		if anything {
			return setsAnyVar
		}
		return nil
	}
	return info.action
}

// valuesCall returns the action of a call of a func-valued expression that
// funcvals resolves, or nil.
func (pa *pkgAnalysis) valuesCall(call *ast.CallExpr) *action {
	vals, ok := pa.funcValues().Values(call.Fun)
	if !ok {
		return nil
	}
	alts := make([]*action, 0, len(vals))
	for _, v := range vals {
		a := pa.callValue(v, call)
		if a == nil {
			return nil
		}
		alts = append(alts, a)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return &action{kind: evMulti, alts: alts}
}

// nilCall is the action of a call of a nil function, which panics.
var nilCall = &action{kind: evCall}

// callValue returns the action of calling v with call's arguments, or
// nil when it cannot tell.
func (pa *pkgAnalysis) callValue(v funcvals.Value, call *ast.CallExpr) *action {
	switch v.Kind {
	case funcvals.Nil:
		return nilCall
	case funcvals.Lit:
		return &action{kind: evCall, lit: v.Lit}
	case funcvals.Func:
		a := pa.classifyFunc(call, v.Func.Origin(), nil, nil)
		if a == nil {
			return nilCall // a call that cannot matter
		}
		return a
	case funcvals.Method, funcvals.MethodExpr:
		fn := v.Func.Origin()
		recv, methodExpr := v.Recv, v.Kind == funcvals.MethodExpr
		if methodExpr {
			recv = nil
			if len(call.Args) > 0 {
				recv = call.Args[0]
			}
		}
		a := pa.classifyFunc(call, fn, recv, nil)
		switch {
		case a == nil:
			return nilCall
		case a.kind == evCall:
			bound := *a
			bound.recv, bound.methodExpr = v.Recv, methodExpr
			return &bound
		}
		return a
	}
	return nil
}

// funcValues returns the package's funcvals resolver.
func (pa *pkgAnalysis) funcValues() *funcvals.Resolver {
	if pa.fvals == nil {
		pa.fvals = funcvals.New(pa.info, pa.pass.Files)
	}
	return pa.fvals
}

// setsAnyVar is the action of a call of code that may set any Var.
var setsAnyVar = &action{kind: evSet, setAny: true}

// mayRunAnything reports whether a call that has no static callee may run
// code that sets Vars: a call of a func value, or of an interface method
// declared outside the standard library. Reads after such a call are not
// reported: the code it runs may have set the Var. Methods of standard
// interfaces (context.Context.Done, io.Writer.Write, error.Error) are
// assumed not to set Vars.
func (pa *pkgAnalysis) mayRunAnything(call *ast.CallExpr, callee types.Object) bool {
	if tv, ok := pa.info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	switch callee := callee.(type) {
	case *types.Builtin:
		return false
	case *types.Func:
		return !inStd(callee.Pkg())
	}
	return true
}

// isInterfaceMethod reports whether fn is an interface method, which a call
// reaches dynamically.
func isInterfaceMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

// inStd reports whether pkg belongs to the standard library (or is the
// universe, for error.Error): its path's first element has no dot.
func inStd(pkg *types.Package) bool {
	if pkg == nil {
		return true
	}
	first, _, _ := strings.Cut(pkg.Path(), "/")
	return !strings.Contains(first, ".")
}

// calleeSummary returns the summary of the function an evCall event calls,
// or nil when it has none.
func (pa *pkgAnalysis) calleeSummary(e *action) *summary {
	if e.kind != evCall {
		return nil
	}
	if e.lit != nil {
		if fn := pa.lits[e.lit]; fn != nil {
			return &fn.sum
		}
		return nil
	}
	if e.callee == nil {
		return nil // a call of nil
	}
	return pa.funcSummary(e.callee)
}

// funcSummary returns the summary of a declared function: computed for this
// package, imported as a Uses fact for others.
func (pa *pkgAnalysis) funcSummary(obj *types.Func) *summary {
	if fn := pa.decls[obj]; fn != nil {
		return &fn.sum
	}
	if obj.Pkg() == nil || obj.Pkg() == pa.pass.Pkg {
		return nil
	}
	if s, ok := pa.facts[obj]; ok {
		return s
	}
	var s *summary
	if pa.pass.ImportObjectFact(obj, &pa.uses) {
		s = summaryOf(&pa.uses, obj)
	}
	pa.facts[obj] = s
	return s
}

// varRef identifies the Var v holds: a package-level variable or a field of
// a package-level struct type. It fails for local variables and anything it
// cannot name across packages.
func (pa *pkgAnalysis) varRef(v *types.Var) (VarRef, bool) {
	if v == nil || v.Pkg() == nil {
		return VarRef{}, false
	}
	v = v.Origin()
	pkg := v.Pkg()
	if !v.IsField() {
		if pkg.Scope().Lookup(v.Name()) != v {
			return VarRef{}, false
		}
		return VarRef{Pkg: pkg.Path(), PkgName: pkg.Name(), Name: v.Name()}, true
	}
	owners, ok := pa.fieldOwners[pkg]
	if !ok {
		owners = make(map[*types.Var]string)
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			st, ok := tn.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				owners[st.Field(i)] = tn.Name() + "." + st.Field(i).Name()
			}
		}
		pa.fieldOwners[pkg] = owners
	}
	owner, ok := owners[v]
	if !ok {
		return VarRef{}, false
	}
	return VarRef{Pkg: pkg.Path(), PkgName: pkg.Name(), Name: owner}, true
}

// fieldPath names a field of a package-level variable as a selector chain
// spells it, Config.Region or Config.Limits.Region, when the chain starts
// at the variable; the VarRef has the variable's package.
func (pa *pkgAnalysis) fieldPath(e ast.Expr) (VarRef, bool) {
	var fields []string
	var root *types.Var
	for root == nil {
		switch x := ast.Unparen(e).(type) {
		case *ast.SelectorExpr:
			sel, ok := pa.info.Selections[x]
			if !ok { // a qualified identifier, pkg.Config
				v, ok := pa.info.Uses[x.Sel].(*types.Var)
				if !ok {
					return VarRef{}, false
				}
				root = v
				break
			}
			if sel.Kind() != types.FieldVal {
				return VarRef{}, false
			}
			fields = append(fields, x.Sel.Name)
			e = x.X
		case *ast.Ident:
			v, ok := pa.info.Uses[x].(*types.Var)
			if !ok {
				return VarRef{}, false
			}
			root = v
		default:
			return VarRef{}, false
		}
	}
	pkg := root.Pkg()
	if len(fields) == 0 || pkg == nil || root.IsField() || pkg.Scope().Lookup(root.Name()) != root {
		return VarRef{}, false
	}
	slices.Reverse(fields)
	return VarRef{Pkg: pkg.Path(), PkgName: pkg.Name(), Name: root.Name() + "." + strings.Join(fields, ".")}, true
}

// noReturn lists functions that never return, so that the paths through
// them do not count as reaching the code after them.
var noReturn = map[string]bool{
	"os.Exit":                true,
	"runtime.Goexit":         true,
	"log.Fatal":              true,
	"log.Fatalf":             true,
	"log.Fatalln":            true,
	"log.Panic":              true,
	"log.Panicf":             true,
	"log.Panicln":            true,
	"log.Logger.Fatal":       true,
	"log.Logger.Fatalf":      true,
	"log.Logger.Fatalln":     true,
	"log.Logger.Panic":       true,
	"log.Logger.Panicf":      true,
	"log.Logger.Panicln":     true,
	"testing.common.FailNow": true,
	"testing.common.Fatal":   true,
	"testing.common.Fatalf":  true,
	"testing.common.SkipNow": true,
	"testing.common.Skip":    true,
	"testing.common.Skipf":   true,
}

func (pa *pkgAnalysis) mayReturn(call *ast.CallExpr) bool {
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if b, ok := pa.info.Uses[id].(*types.Builtin); ok && b.Name() == "panic" {
			return false
		}
	}
	fn := typeutil.StaticCallee(pa.info, call)
	return fn == nil || !noReturnNames[fn.Name()] || !noReturn[launcherKey(fn)]
}

// noReturnNames holds the names of the functions in noReturn, to rule out
// most calls without building their key.
var noReturnNames = func() map[string]bool {
	names := make(map[string]bool)
	for key := range noReturn {
		names[key[strings.LastIndexByte(key, '.')+1:]] = true
	}
	return names
}()
