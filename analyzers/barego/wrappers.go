package barego

import (
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"

	"golang.org/x/tools/go/types/typeutil"
)

// wrapperRoles says which func parameters of a function it runs on another
// goroutine (launches) and which it binds to its caller's Context (binds),
// by parameter index, receiver not counted.
type wrapperRoles struct {
	launches map[int]string // index -> parameter name
	binds    map[int]string
}

func (r *wrapperRoles) add(launch bool, idx int, name string) bool {
	m := &r.binds
	if launch {
		m = &r.launches
	}
	if _, ok := (*m)[idx]; ok {
		return false
	}
	if *m == nil {
		*m = make(map[int]string)
	}
	(*m)[idx] = name
	return true
}

type wrapperCandidate struct {
	obj    *types.Func
	decl   *ast.FuncDecl
	params map[*types.Var]int // func parameters never reassigned, by index
}

// findWrappers finds the package's launchers and binders: functions that
// hand a func parameter to a go statement or a launcher, or to Spawn, Bind,
// BindErr, BindArg or a binder. As for printf wrappers, a function that
// calls a wrapper of the same package is one too, whatever the order of
// declarations: the roles grow until they stop changing.
func (pa *pkgAnalysis) findWrappers() {
	var cands []*wrapperCandidate
	for _, f := range pa.pass.Files {
		for _, d := range f.Decls {
			decl, ok := d.(*ast.FuncDecl)
			if !ok || decl.Body == nil {
				continue
			}
			obj, _ := pa.info.Defs[decl.Name].(*types.Func)
			if obj == nil {
				continue
			}
			pa.at.At(decl.Pos())
			if c := pa.wrapperCandidate(obj, decl); c != nil {
				cands = append(cands, c)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, c := range cands {
			pa.at.At(c.decl.Pos())
			if pa.findRoles(c) {
				changed = true
			}
		}
	}
}

// wrapperCandidate returns obj's func parameters that could make it a
// wrapper: those the body never assigns or takes the address of, since a
// parameter replaced by other code no longer names the caller's function.
func (pa *pkgAnalysis) wrapperCandidate(obj *types.Func, decl *ast.FuncDecl) *wrapperCandidate {
	params := make(map[*types.Var]int)
	tuple := obj.Signature().Params()
	for i := range tuple.Len() {
		p := tuple.At(i)
		if p.Name() == "" || p.Name() == "_" {
			continue
		}
		if _, ok := p.Type().Underlying().(*types.Signature); ok {
			params[p] = i
		}
	}
	if len(params) == 0 {
		return nil
	}
	modified := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok {
			if v, ok := pa.info.Uses[id].(*types.Var); ok {
				delete(params, v)
			}
		}
	}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				modified(lhs)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				if n.Key != nil {
					modified(n.Key)
				}
				if n.Value != nil {
					modified(n.Value)
				}
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				modified(n.X)
			}
		}
		return true
	})
	if len(params) == 0 {
		return nil
	}
	return &wrapperCandidate{obj: obj, decl: decl, params: params}
}

// findRoles records which of c's parameters its body launches or binds,
// and reports whether that grew.
func (pa *pkgAnalysis) findRoles(c *wrapperCandidate) bool {
	roles := pa.wrappers[c.obj]
	if roles == nil {
		roles = new(wrapperRoles)
	}
	grew := false
	record := func(launch bool, e ast.Expr) {
		for _, p := range pa.paramsRun(e, c.params) {
			if roles.add(launch, c.params[p], p.Name()) {
				grew = true
			}
		}
	}
	ast.Inspect(c.decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			record(true, n.Call.Fun)
		case *ast.CallExpr:
			if _, idx := pa.launchedArgs(n); len(idx) > 0 {
				for _, i := range idx {
					record(true, n.Args[i])
				}
			}
			for _, i := range pa.boundArgs(n) {
				record(false, n.Args[i])
			}
		}
		return true
	})
	if grew {
		pa.wrappers[c.obj] = roles
	}
	return grew
}

// paramsRun returns the parameters that calling the function e runs in
// the Context it is called in: e itself, or those a function literal calls
// before anything may have set a Var.
func (pa *pkgAnalysis) paramsRun(e ast.Expr, params map[*types.Var]int) []*types.Var {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := pa.info.Uses[e].(*types.Var); ok {
			if _, ok := params[v]; ok {
				return []*types.Var{v}
			}
		}
	case *ast.FuncLit:
		var run []*types.Var
		pa.paramsCalledFirst(e, params, &run)
		return run
	}
	return nil
}

// paramsCalledFirst collects the parameters a function literal calls, on
// its own goroutine, while no Var may have been set yet: a parameter called
// after a Set, or after other code that may set Vars (another parameter,
// say), may not run in an empty Context. It follows function literals
// called on the spot, not others, nor go statements.
func (pa *pkgAnalysis) paramsCalledFirst(lit *ast.FuncLit, params map[*types.Var]int, run *[]*types.Var) {
	fn := pa.lits[lit]
	if fn == nil {
		return
	}
	pa.flowOf(fn)
	for _, e := range fn.events {
		if e.deferred || !e.before.empty() {
			continue
		}
		switch {
		case e.kind == evSet && e.setAny:
			if v := pa.calledParam(e.call, params); v != nil && !slices.Contains(*run, v) {
				*run = append(*run, v)
			}
		case e.kind == evCall && e.lit != nil:
			pa.paramsCalledFirst(e.lit, params, run)
		}
	}
}

// calledParam returns the parameter a call calls, or nil.
func (pa *pkgAnalysis) calledParam(call *ast.CallExpr, params map[*types.Var]int) *types.Var {
	if call == nil {
		return nil
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := pa.info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	if _, isParam := params[v]; !isParam {
		return nil
	}
	return v
}

// callSignature returns the signature of the function a call calls, as the
// call sees it (instantiated; with the receiver first for a method
// expression), and how many leading arguments precede the callee's own
// parameters.
func callSignature(info *types.Info, call *ast.CallExpr, callee *types.Func) (*types.Signature, int, bool) {
	tv, ok := info.Types[call.Fun]
	if !ok || tv.Type == nil {
		return nil, 0, false
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok {
		return nil, 0, false
	}
	offset := sig.Params().Len() - callee.Signature().Params().Len()
	if offset < 0 {
		return nil, 0, false
	}
	return sig, offset, true
}

// launchedArgs returns the function a call calls statically and the
// indexes of the arguments it runs on another goroutine with an empty
// Context; no indexes when the call does not call a launcher.
func (pa *pkgAnalysis) launchedArgs(call *ast.CallExpr) (*types.Func, []int) {
	fn := typeutil.StaticCallee(pa.info, call)
	if fn == nil {
		return nil, nil
	}
	return fn, argIndexes(pa.info, call, fn, pa.startOf(fn).Launched)
}

// boundArgs returns the indexes of the arguments a call binds to the
// caller's Context: the function given to Spawn, Bind, BindErr or BindArg,
// the func arguments of a spawner, or a binder's bound parameters.
func (pa *pkgAnalysis) boundArgs(call *ast.CallExpr) []int {
	fn := typeutil.StaticCallee(pa.info, call)
	if fn == nil {
		return nil
	}
	return argIndexes(pa.info, call, fn, pa.startOf(fn).Spawned)
}

type configuredRole int

const (
	unconfigured configuredRole = iota
	launcher
	spawner
)

// configured returns fn's role in the settings: a launcher, builtin or
// configured, or a spawner.
func configured(set *settings, fn *types.Func) configuredRole {
	if !set.names[fn.Name()] {
		return unconfigured
	}
	switch key := launcherKey(fn); {
	case set.spawners[key]:
		return spawner
	case set.launchers[key]:
		return launcher
	}
	return unconfigured
}

// roles returns a function's wrapper roles: found in this package, or
// imported as Launcher and Binder facts.
func (pa *pkgAnalysis) roles(fn *types.Func) *wrapperRoles {
	if fn.Pkg() == pa.pass.Pkg {
		return pa.wrappers[fn]
	}
	if r, ok := pa.imported[fn]; ok {
		return r
	}
	var r *wrapperRoles
	var l Launcher
	if pa.pass.ImportObjectFact(fn, &l) {
		r = new(wrapperRoles)
		for i, p := range l.Params {
			r.add(true, p, nameAt(l.Names, i))
		}
	}
	var b Binder
	if pa.pass.ImportObjectFact(fn, &b) {
		if r == nil {
			r = new(wrapperRoles)
		}
		for i, p := range b.Params {
			r.add(false, p, nameAt(b.Names, i))
		}
	}
	pa.imported[fn] = r
	return r
}

func nameAt(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return ""
}

// exportWrapperFacts exports the package's launchers and binders. A
// parameter both launched and bound is a launcher's: on some path it runs
// without the caller's Context.
func (pa *pkgAnalysis) exportWrapperFacts() {
	for obj, roles := range pa.wrappers {
		if len(roles.launches) > 0 {
			l := new(Launcher)
			for _, p := range slices.Sorted(maps.Keys(roles.launches)) {
				l.Params = append(l.Params, p)
				l.Names = append(l.Names, roles.launches[p])
			}
			pa.pass.ExportObjectFact(obj, l)
		}
		b := new(Binder)
		for _, p := range slices.Sorted(maps.Keys(roles.binds)) {
			if _, launched := roles.launches[p]; !launched {
				b.Params = append(b.Params, p)
				b.Names = append(b.Names, roles.binds[p])
			}
		}
		if len(b.Params) > 0 {
			pa.pass.ExportObjectFact(obj, b)
		}
	}
}
