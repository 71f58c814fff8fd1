package barego

import (
	"go/ast"
	"go/types"
	"maps"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
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

	funcs []*fnode                 // every function declaration and literal with a body
	decls map[*types.Func]*fnode   // declared functions, by object
	lits  map[*ast.FuncLit]*fnode  // function literals
	facts map[*types.Func]*summary // imported Uses facts; nil when there is none

	// fieldOwners names the package-level struct type declaring each
	// field, per package, so that a field holding a Var can be named.
	fieldOwners map[*types.Package]map[*types.Var]string

	extra    map[string]bool               // launchers added by -launchers
	wrappers map[*types.Func]*wrapperRoles // this package's launchers and binders
	imported map[*types.Func]*wrapperRoles // imported Launcher and Binder facts
	content  map[string][]byte             // file contents, for fixes
}

// An fnode is a function declaration or literal being summarized.
type fnode struct {
	body   *ast.BlockStmt
	cfg    *cfg.CFG
	blocks [][]*event // the events of each CFG block, in evaluation order
	events []*event   // all of them
	sum    summary

	callers []*fnode // functions of the package that call it
}

type eventKind int

const (
	evRead  eventKind = iota // a Var read: Get, GetOr, Lookup
	evSet                    // a Set, or a call of code that may set any Var
	evCarry                  // a runtime function that takes the Context along
	evCall                   // a static call, whose callee's summary applies
)

// An event is something a function does with its goroutine's Context.
type event struct {
	kind     eventKind
	read     Read
	set      VarRef
	setAny   bool // a Set of a Var that cannot be identified, or a call of unknown code
	carry    string
	carried  ast.Expr    // the function Spawn, Bind, BindErr or BindArg carries the Context to
	callee   *types.Func // evCall of a declared function (generic origin)
	lit      *ast.FuncLit
	call     *ast.CallExpr // the call the event comes from
	deferred bool          // runs when the function returns

	// before holds the Vars surely set (or treated as set) when the event
	// happens; Var reads of those Vars do not read an empty Context.
	before varState
}

// varState is a set of Vars; all means every Var (also the state of
// unreachable code, where nothing is reported).
type varState struct {
	vars map[VarRef]bool
	all  bool
}

func (s varState) has(v VarRef) bool { return s.all || s.vars[v] }
func (s varState) empty() bool       { return !s.all && len(s.vars) == 0 }

func (s varState) clone() varState {
	return varState{vars: maps.Clone(s.vars), all: s.all}
}

func (s *varState) add(v VarRef) {
	if s.all {
		return
	}
	if s.vars == nil {
		s.vars = make(map[VarRef]bool)
	}
	s.vars[v] = true
}

// addSets adds the Vars a callee may set.
func (s *varState) addSets(sum *summary) {
	if sum == nil {
		return
	}
	if sum.setsAny {
		s.all = true
		s.vars = nil
		return
	}
	for v := range sum.sets {
		s.add(v)
	}
}

// meet intersects s with t (s is the state already on a block's entry).
func meet(s, t varState) (varState, bool) {
	if t.all {
		return s, false
	}
	if s.all {
		return t.clone(), true
	}
	changed := false
	out := varState{vars: make(map[VarRef]bool)}
	for v := range s.vars {
		if t.vars[v] {
			out.vars[v] = true
		} else {
			changed = true
		}
	}
	return out, changed
}

func newPkgAnalysis(pass *analysis.Pass, at *guard.Position) *pkgAnalysis {
	return &pkgAnalysis{
		pass:        pass,
		info:        pass.TypesInfo,
		api:         ctxvarapi.Of(pass.Pkg),
		at:          at,
		decls:       make(map[*types.Func]*fnode),
		lits:        make(map[*ast.FuncLit]*fnode),
		facts:       make(map[*types.Func]*summary),
		fieldOwners: make(map[*types.Package]map[*types.Var]string),
		extra:       extraLaunchers.snapshot(),
		wrappers:    make(map[*types.Func]*wrapperRoles),
		imported:    make(map[*types.Func]*wrapperRoles),
		content:     make(map[string][]byte),
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
// callees, each filtered by the state before it).
func (pa *pkgAnalysis) summarize() {
	for _, f := range pa.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Body == nil {
					return false
				}
				obj, _ := pa.info.Defs[n.Name].(*types.Func)
				if obj == nil {
					return false
				}
				pa.at.At(n.Pos())
				pa.decls[obj] = pa.newNode(n.Body)
			case *ast.FuncLit:
				pa.at.At(n.Pos())
				pa.lits[n] = pa.newNode(n.Body)
			}
			return true
		})
	}

	for _, fn := range pa.funcs {
		for _, e := range fn.events {
			for _, callee := range []*fnode{pa.calleeNode(e), pa.carriedNode(e)} {
				if callee != nil && callee != fn && !slices.Contains(callee.callers, fn) {
					callee.callers = append(callee.callers, fn)
				}
			}
		}
	}

	// The Vars each function may set.
	pa.fixpoint(func(fn *fnode) bool {
		grew := false
		for _, e := range fn.events {
			switch e.kind {
			case evSet:
				if e.setAny {
					if !fn.sum.setsAny {
						fn.sum.setsAny, grew = true, true
					}
				} else if fn.sum.addSet(e.set) {
					grew = true
				}
			case evCall:
				cs := pa.calleeSummary(e)
				if cs == nil || cs == &fn.sum {
					continue
				}
				if cs.setsAny && !fn.sum.setsAny {
					fn.sum.setsAny, grew = true, true
				}
				for v := range cs.sets {
					if fn.sum.addSet(v) {
						grew = true
					}
				}
			}
		}
		return grew
	})

	// The Vars set before each event.
	for _, fn := range pa.funcs {
		pa.at.At(fn.body.Pos())
		pa.flow(fn)
	}

	// The Vars each function may read before setting them.
	pa.fixpoint(func(fn *fnode) bool {
		grew := false
		for _, e := range fn.events {
			filter := e.before
			if e.deferred {
				// A deferred call runs at the return, after any Set of
				// the function: only Vars it never sets count.
				filter = varState{vars: fn.sum.sets, all: fn.sum.setsAny}
			}
			if pa.apply(&fn.sum, e, filter) {
				grew = true
			}
		}
		return grew
	})
}

// fixpoint runs step on every function, and again on the callers of each
// function for which it reports growth, until nothing grows. Summaries only
// grow, within finite sets, so it terminates, recursion included.
func (pa *pkgAnalysis) fixpoint(step func(*fnode) bool) {
	work := slices.Clone(pa.funcs)
	queued := make(map[*fnode]bool, len(work))
	for _, fn := range work {
		queued[fn] = true
	}
	for len(work) > 0 {
		fn := work[0]
		work = work[1:]
		queued[fn] = false
		pa.at.At(fn.body.Pos())
		if !step(fn) {
			continue
		}
		for _, caller := range fn.callers {
			if !queued[caller] {
				queued[caller] = true
				work = append(work, caller)
			}
		}
	}
}

// carriesToUser reports whether the Context an evCarry event carries may be
// used: always for Copy, whose snapshot may run anything, and for a
// function that cannot be resolved; for one that can, when it uses the
// Context.
func (pa *pkgAnalysis) carriesToUser(e *event) bool {
	if e.carried == nil {
		return true
	}
	if lit, ok := ast.Unparen(e.carried).(*ast.FuncLit); ok {
		fn := pa.lits[lit]
		return fn == nil || fn.sum.usesContext()
	}
	fn := pa.funcValue(e.carried)
	if fn == nil {
		return true
	}
	return pa.funcSummary(fn.Origin()).usesContext()
}

// carriedNode returns the function of this package an evCarry event carries
// the Context to.
func (pa *pkgAnalysis) carriedNode(e *event) *fnode {
	if e.kind != evCarry || e.carried == nil {
		return nil
	}
	if lit, ok := ast.Unparen(e.carried).(*ast.FuncLit); ok {
		return pa.lits[lit]
	}
	if fn := pa.funcValue(e.carried); fn != nil {
		return pa.decls[fn.Origin()]
	}
	return nil
}

// calleeNode returns the function of this package an evCall event calls.
func (pa *pkgAnalysis) calleeNode(e *event) *fnode {
	switch {
	case e.kind != evCall:
		return nil
	case e.lit != nil:
		return pa.lits[e.lit]
	}
	return pa.decls[e.callee]
}

// apply adds to sum what event e reads or carries, leaving out the Vars in
// filter; it reports whether sum grew.
func (pa *pkgAnalysis) apply(sum *summary, e *event, filter varState) bool {
	grew := false
	switch e.kind {
	case evRead:
		if !filter.has(e.read.Var) {
			grew = sum.addRead(e.read)
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
		for r := range cs.reads {
			if !filter.has(r.Var) && sum.addRead(r) {
				grew = true
			}
		}
		if filter.empty() {
			for c := range cs.carries {
				if sum.addCarry(c) {
					grew = true
				}
			}
		}
	}
	return grew
}

func (pa *pkgAnalysis) newNode(body *ast.BlockStmt) *fnode {
	fn := &fnode{body: body, cfg: cfg.New(body, pa.mayReturn)}
	fn.blocks = make([][]*event, len(fn.cfg.Blocks))
	for _, b := range fn.cfg.Blocks {
		for _, n := range b.Nodes {
			pa.nodeEvents(n, func(e *event) {
				fn.blocks[b.Index] = append(fn.blocks[b.Index], e)
				fn.events = append(fn.events, e)
			})
		}
	}
	pa.funcs = append(pa.funcs, fn)
	return fn
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
	transfer := func(b *cfg.Block, s varState, record bool) varState {
		s = s.clone()
		for _, e := range fn.blocks[b.Index] {
			if record {
				e.before = s.clone()
			}
			if e.deferred {
				continue
			}
			switch e.kind {
			case evSet:
				if e.setAny {
					s = varState{all: true}
				} else {
					s.add(e.set)
				}
			case evCall:
				s.addSets(pa.calleeSummary(e))
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

// nodeEvents emits the events of a CFG node in evaluation order: a call's
// operands before the call. Function literals are not run where they appear
// and contribute nothing unless called on the spot; a go statement's
// function runs elsewhere, but its operands are evaluated here.
func (pa *pkgAnalysis) nodeEvents(n ast.Node, emit func(*event)) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.GoStmt:
			pa.operandEvents(n.Call, emit)
			return false
		case *ast.DeferStmt:
			pa.operandEvents(n.Call, emit)
			if e := pa.callEvent(n.Call); e != nil {
				e.call, e.deferred = n.Call, true
				emit(e)
			}
			return false
		case *ast.CallExpr:
			pa.operandEvents(n, emit)
			if e := pa.callEvent(n); e != nil {
				e.call = n
				emit(e)
			}
			return false
		}
		return true
	})
}

func (pa *pkgAnalysis) operandEvents(call *ast.CallExpr, emit func(*event)) {
	pa.nodeEvents(call.Fun, emit)
	for _, arg := range call.Args {
		pa.nodeEvents(arg, emit)
	}
}

// callEvent classifies a call: a Var read or Set, a runtime function that
// carries the Context, or a static call. It returns nil for calls that
// cannot matter or cannot be resolved (func values, interface methods).
func (pa *pkgAnalysis) callEvent(call *ast.CallExpr) *event {
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return &event{kind: evCall, lit: lit}
	}
	if fn := pa.api.Callee(pa.info, call); fn != nil {
		switch {
		case pa.api.IsVarRead(fn):
			v, ok := pa.varRef(ctxvarapi.VarObject(pa.info, ctxvarapi.Receiver(call)))
			if !ok {
				return nil
			}
			return &event{kind: evRead, read: Read{Var: v, Method: fn.Name()}}
		case fn == pa.api.Set:
			v, ok := pa.varRef(ctxvarapi.VarObject(pa.info, ctxvarapi.Receiver(call)))
			return &event{kind: evSet, set: v, setAny: !ok}
		case pa.api.IsContextCarrier(fn):
			e := &event{kind: evCarry, carry: fn.Name()}
			if fn != pa.api.Copy && len(call.Args) == 1 {
				e.carried = call.Args[0]
			}
			return e
		}
		if fn.Pkg() != pa.pass.Pkg {
			return nil
		}
	}
	fn := typeutil.StaticCallee(pa.info, call)
	if fn == nil {
		if pa.mayRunAnything(call) {
			return &event{kind: evSet, setAny: true}
		}
		return nil
	}
	return &event{kind: evCall, callee: fn.Origin()}
}

// mayRunAnything reports whether a call that has no static callee may run
// code that sets Vars: a call of a func value, or of an interface method
// declared outside the standard library. Reads after such a call are not
// reported: the code it runs may have set the Var. Methods of standard
// interfaces (context.Context.Done, io.Writer.Write, error.Error) are
// assumed not to set Vars.
func (pa *pkgAnalysis) mayRunAnything(call *ast.CallExpr) bool {
	if tv, ok := pa.info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	switch callee := typeutil.Callee(pa.info, call).(type) {
	case *types.Builtin:
		return false
	case *types.Func:
		return !inStd(callee.Pkg())
	}
	return true
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
func (pa *pkgAnalysis) calleeSummary(e *event) *summary {
	if e.kind != evCall {
		return nil
	}
	if e.lit != nil {
		if fn := pa.lits[e.lit]; fn != nil {
			return &fn.sum
		}
		return nil
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
	var u Uses
	if pa.pass.ImportObjectFact(obj, &u) {
		s = summaryOf(&u)
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
				owners[st.Field(i)] = tn.Name()
			}
		}
		pa.fieldOwners[pkg] = owners
	}
	owner, ok := owners[v]
	if !ok {
		return VarRef{}, false
	}
	return VarRef{Pkg: pkg.Path(), PkgName: pkg.Name(), Name: owner + "." + v.Name()}, true
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
	return fn == nil || !noReturn[launcherKey(fn.Origin())]
}
