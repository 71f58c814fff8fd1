package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/cfg"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// find records a finding; the iterations before the final pass only
// compute states.
func (f *flow) find(fd finding) {
	if f.final {
		f.findings = append(f.findings, fd)
	}
}

// transfer returns the state at the end of b, given the state at its start.
//
// The state returned is the flow's scratch state, which the next call
// overwrites: callers that keep it must clone it.
func (f *flow) transfer(b *cfg.Block, in *state) *state {
	if f.scratch == nil {
		f.scratch = new(state)
	}
	st := f.scratch
	st.copyFrom(in)
	f.block = b
	for _, n := range b.Nodes {
		f.node(n, st)
	}
	return st
}

// node applies one of a block's statements or expressions to st, in the
// order Go evaluates its parts.
func (f *flow) node(n ast.Node, st *state) {
	switch n := n.(type) {
	case *ast.AssignStmt:
		for _, lhs := range n.Lhs {
			f.lhs(lhs, st)
		}
		f.exprs(n.Rhs, st)
		if len(n.Lhs) == len(n.Rhs) {
			for i := range n.Lhs {
				f.bind(n.Lhs[i], n.Rhs[i], st)
			}
		}
	case *ast.ValueSpec:
		f.exprs(n.Values, st)
		if len(n.Values) == len(n.Names) {
			for i := range n.Names {
				f.bind(n.Names[i], n.Values[i], st)
			}
		}
	case *ast.ExprStmt:
		f.expr(n.X, st)
	case *ast.GoStmt:
		if rc := f.c.api.RunContext; rc != nil && len(n.Call.Args) == 2 && f.c.callOf(n.Call).rt == rc {
			// go ctxvar.RunContext(ctx, fn): ctx is evaluated here, and fn
			// runs on the new goroutine in its snapshot, as a Spawn'd
			// function runs in a copy of the Context.
			k := len(f.findings)
			f.runContext(n.Call, n.Call.Args[0], n.Call.Args[1], st)
			for i := k; i < len(f.findings); i++ {
				f.findings[i].async = true
			}
			return
		}
		// The function runs on a new goroutine, checked as an entry of its
		// own; only the operands are evaluated here.
		if _, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); !ok {
			f.operands(n.Call.Fun, st)
		}
		f.exprs(n.Call.Args, st)
	case *ast.DeferStmt:
		f.deferStmt(n, st)
	case *ast.ReturnStmt:
		f.exprs(n.Results, st)
	case *ast.SendStmt:
		f.expr(n.Chan, st)
		f.expr(n.Value, st)
	case *ast.IncDecStmt:
		f.expr(n.X, st)
	case ast.Expr:
		f.expr(n, st)
	}
}

func (f *flow) lhs(e ast.Expr, st *state) {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
	case *ast.IndexExpr:
		f.expr(e.X, st)
		f.expr(e.Index, st)
	case *ast.SelectorExpr:
		if _, ok := f.c.pass.TypesInfo.Selections[e]; ok {
			f.expr(e.X, st)
		}
	case *ast.StarExpr:
		f.expr(e.X, st)
	default:
		f.expr(e, st)
	}
}

// bind records what assigning rhs to lhs tells: the old state of a token's
// Var, or the contents of a copied Context or of a snapshot.
func (f *flow) bind(lhs, rhs ast.Expr, st *state) {
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		return
	}
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok {
		return
	}
	v := localVar(f.c.pass.TypesInfo, id)
	switch {
	case v == nil:
	case f.tokens[v]:
		if was, ok := f.preSet[call]; ok {
			st.putLocal(f.tokNum[v], was)
		}
	case f.ctxs[v], f.snaps[v]:
		st.ctx[f.ctxNum[v]] = *st.varsSet()
	}
}

func (f *flow) exprs(es []ast.Expr, st *state) {
	for _, e := range es {
		f.expr(e, st)
	}
}

func (f *flow) expr(e ast.Expr, st *state) {
	info := f.c.pass.TypesInfo
	switch e := e.(type) {
	case nil:
	case *ast.ParenExpr:
		f.expr(e.X, st)
	case *ast.CallExpr:
		f.call(e, st)
	case *ast.FuncLit:
		// A closure that is not called here may be called later, by
		// anything: whatever it may Set may be set from now on.
		st.addVars(f.c.litMaySet(e))
	case *ast.BinaryExpr:
		f.expr(e.X, st)
		if e.Op == token.LAND || e.Op == token.LOR {
			// The right operand may not run.
			before := st.clone()
			f.expr(e.Y, st)
			st.meet(before)
			return
		}
		f.expr(e.Y, st)
	case *ast.Ident:
		if id, ok := f.c.escIdents[e]; ok {
			st.vars.add(id)
		}
		if fn, ok := info.Uses[e].(*types.Func); ok {
			st.addVars(f.c.maySetOf(fn))
		}
	case *ast.SelectorExpr:
		if id, ok := f.c.escSels[e]; ok {
			// The Var goes somewhere it may be Set under another name.
			st.vars.add(id)
		}
		if sel, ok := info.Selections[e]; ok {
			f.expr(e.X, st)
			if fn, ok := sel.Obj().(*types.Func); ok {
				st.addVars(f.c.maySetOf(fn))
			}
		} else if fn, ok := info.Uses[e.Sel].(*types.Func); ok {
			st.addVars(f.c.maySetOf(fn))
		}
	// The other expressions evaluate their operands, in the order of their
	// fields. The common ones are spelled out, which spares a walk.
	case *ast.BasicLit:
	case *ast.UnaryExpr:
		f.expr(e.X, st)
	case *ast.StarExpr:
		f.expr(e.X, st)
	case *ast.IndexExpr:
		f.expr(e.X, st)
		f.expr(e.Index, st)
	case *ast.SliceExpr:
		f.expr(e.X, st)
		f.expr(e.Low, st)
		f.expr(e.High, st)
		f.expr(e.Max, st)
	case *ast.CompositeLit:
		f.expr(e.Type, st)
		f.exprs(e.Elts, st)
	case *ast.KeyValueExpr:
		f.expr(e.Key, st)
		f.expr(e.Value, st)
	case *ast.TypeAssertExpr:
		f.expr(e.X, st)
		f.expr(e.Type, st)
	default:
		ast.Inspect(e, func(n ast.Node) bool {
			if n == ast.Node(e) {
				return true
			}
			if x, ok := n.(ast.Expr); ok {
				f.expr(x, st)
				return false
			}
			return true
		})
	}
}

// operands evaluates what a call evaluates of its function expression
// before calling it, without counting the function itself as a value that
// escapes.
func (f *flow) operands(fun ast.Expr, st *state) {
	info := f.c.pass.TypesInfo
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident, *ast.FuncLit:
	case *ast.SelectorExpr:
		if _, ok := info.Selections[x]; ok {
			f.expr(x.X, st)
		}
	case *ast.IndexExpr:
		if tv, ok := info.Types[x.Index]; ok && tv.IsType() {
			f.operands(x.X, st)
		} else {
			f.expr(x, st)
		}
	case *ast.IndexListExpr:
		f.operands(x.X, st)
	default:
		f.expr(x, st)
	}
}

func (f *flow) call(call *ast.CallExpr, st *state) {
	fun := ast.Unparen(call.Fun)
	ci := f.c.callOf(call)
	if ci.conversion {
		f.exprs(call.Args, st)
		return
	}
	if ci.builtin() {
		f.exprs(call.Args, st)
		return
	}
	if rt := ci.rt; rt != nil {
		f.runtimeCall(call, rt, st)
		return
	}
	if lit, ok := fun.(*ast.FuncLit); ok {
		f.exprs(call.Args, st)
		if f.final {
			f.findings = append(f.findings, f.c.analyze(lit.Body, &st.vars).findings...)
		}
		st.addVars(f.c.litSummary(lit).sets)
		return
	}
	fn := ci.static
	f.operands(fun, st)
	if len(ci.launched) > 0 || len(ci.spawned) > 0 {
		f.startArgs(call, ci, st)
	} else {
		f.exprs(call.Args, st)
	}
	for _, m := range ci.methods {
		st.addVars(f.c.methodMay(m))
	}
	if fn == nil {
		// A call through an interface or a func value is not checked for
		// Gets; whatever might run behind it and Set counts as set.
		if ci.isIface {
			st.addVars(f.c.methodMay(ci.iface()))
		} else {
			st.addVars(f.c.valueMay)
		}
		return
	}
	fn = fn.Origin()
	s := f.c.summaryOf(fn)
	if s == nil {
		return
	}
	for i, r := range s.requires {
		if !st.hasVar(s.reqVars[i]) {
			f.find(finding{pos: call.Pos(), v: r.Var, get: r.Get, via: f.c.funcName(fn)})
		}
	}
	st.addVars(s.sets)
}

// startArgs evaluates the arguments of a call of a launcher or a spawner,
// which runs some of its function arguments on another goroutine. A
// launched function starts with an empty Context: it is checked as an
// entry of its own, and what it may Set does not count here. A spawned
// function runs in a copy of the Context at the call, once the arguments
// are evaluated, as ctxvar.Spawn's does.
func (f *flow) startArgs(call *ast.CallExpr, ci *callInfo, st *state) {
	for i, a := range call.Args {
		switch {
		case slices.Contains(ci.spawned, i):
		case slices.Contains(ci.launched, i) && (isFuncLit(a) || f.c.funcRef(a) != nil):
		default:
			f.expr(a, st)
		}
	}
	for _, i := range ci.spawned {
		f.spawn(call, call.Args[i], st)
	}
}

// spawn checks fn, which runs in a copy of the current Context on another
// goroutine or later, where a recover here cannot catch its panics.
func (f *flow) spawn(call *ast.CallExpr, fn ast.Expr, st *state) {
	n := len(f.findings)
	f.carry(call, fn, st.varsSet(), st)
	for i := n; i < len(f.findings); i++ {
		f.findings[i].async = true
	}
}

func isFuncLit(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.FuncLit)
	return ok
}

func (f *flow) runtimeCall(call *ast.CallExpr, rt *types.Func, st *state) {
	api := f.c.api
	recv := ctxvarapi.Receiver(call)
	if rt.Signature().Recv() != nil {
		f.expr(recv, st)
	}
	switch rt {
	case api.Spawn, api.Bind, api.BindErr, api.BindArg:
		if len(call.Args) == 1 {
			f.spawn(call, call.Args[0], st)
			return
		}
	case api.ContextRun:
		if len(call.Args) == 1 {
			f.run(call, recv, call.Args[0], st)
			return
		}
	case api.RunContext:
		if len(call.Args) == 2 {
			f.runContext(call, call.Args[0], call.Args[1], st)
			return
		}
	}
	f.exprs(call.Args, st)
	if rt.Signature().Recv() == nil {
		return
	}
	v := f.c.trackedVar(recv)
	if (rt == api.Set || rt == api.Reset) && (v == nil || f.c.status(v) == statusUnknown) {
		// This may be one of the Vars that escaped, under another name.
		st.addVars(f.c.escaped)
	}
	if v == nil {
		return
	}
	id := f.c.numOf(v)
	switch rt {
	case api.Get:
		if f.c.status(v) == statusNoDefault && !st.hasVar(id) {
			f.find(finding{pos: call.Pos(), v: varID(v), get: f.c.where(call.Pos())})
		}
	case api.Set:
		if f.preSet == nil {
			f.preSet = make(map[*ast.CallExpr]bool)
		}
		f.preSet[call] = st.hasVar(id)
		st.vars.add(id)
	case api.Reset:
		if f.restored(call, st) {
			st.vars.add(id)
		} else {
			st.vars.remove(id)
		}
	}
}

// restored tells whether the Var a Reset restores was set before the Set
// that made the token: unknown tokens count as yes.
func (f *flow) restored(reset *ast.CallExpr, st *state) bool {
	if len(reset.Args) != 1 {
		return true
	}
	switch arg := ast.Unparen(reset.Args[0]).(type) {
	case *ast.CallExpr:
		if was, ok := f.preSet[arg]; ok {
			return was
		}
	case *ast.Ident:
		if v := localVar(f.c.pass.TypesInfo, arg); v != nil && f.tokens[v] {
			return st.hasLocal(f.tokNum[v])
		}
	}
	return true
}

// carry checks the function that Spawn, Bind or Run runs in a Context in
// which the Vars in start are set. It does not change the caller's state.
func (f *flow) carry(call *ast.CallExpr, arg ast.Expr, start *varSet, st *state) {
	if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
		if f.final {
			f.findings = append(f.findings, f.c.analyze(lit.Body, start).findings...)
		}
		return
	}
	fn := f.c.funcRef(arg)
	if fn == nil {
		f.expr(arg, st)
		return
	}
	f.operands(arg, st)
	if s := f.c.summaryOf(fn); s != nil {
		for i, r := range s.requires {
			if !start.has(s.reqVars[i]) {
				f.find(finding{pos: call.Pos(), v: r.Var, get: r.Get, via: f.c.funcName(fn)})
			}
		}
	}
}

// run handles c.Run(fn): fn runs in c, whose contents are known only when
// c is a fresh copy of the current Context (ctxvar.Copy().Run(fn), or a
// local defined by ctxvar.Copy() and run once, outside any loop).
// Otherwise fn is left alone.
func (f *flow) run(call *ast.CallExpr, recv, arg ast.Expr, st *state) {
	info := f.c.pass.TypesInfo
	switch r := ast.Unparen(recv).(type) {
	case *ast.CallExpr:
		if f.c.api.Copy != nil && f.c.api.Callee(info, r) == f.c.api.Copy {
			f.carry(call, arg, st.varsSet(), st)
			return
		}
	case *ast.Ident:
		if v := localVar(info, r); v != nil && f.ctxs[v] && !f.inCycle(f.block) {
			f.carry(call, arg, st.ctx[f.ctxNum[v]].clone(), st)
			return
		}
	}
	if !isFuncLit(arg) && f.c.funcRef(arg) == nil {
		f.expr(arg, st)
	}
}

// runContext handles ctxvar.RunContext(ctx, fn): fn runs on this goroutine
// in a fresh copy of the snapshot ctx carries, and what it sets stays there.
// The snapshot is known when ctx is taken here: a call of
// ctxvar.WithCurrent (or ctxvar.NewContext of ctxvar.Copy()) written in the
// call, or a local defined by one and never assigned again; fn is then
// checked with the Vars set where the snapshot was taken. Otherwise the
// snapshot was taken elsewhere, and fn is left alone, as for a Run of a
// Context the analysis cannot see.
func (f *flow) runContext(call *ast.CallExpr, ctx, arg ast.Expr, st *state) {
	var start *varSet
	switch x := ast.Unparen(ctx).(type) {
	case *ast.CallExpr:
		if f.c.takesSnapshot(x) {
			f.expr(x, st)
			start = st.varsSet()
		}
	case *ast.Ident:
		if v := localVar(f.c.pass.TypesInfo, x); v != nil && f.snaps[v] {
			start = st.ctx[f.ctxNum[v]].clone()
		}
	}
	if start != nil {
		f.carry(call, arg, start, st)
		return
	}
	f.expr(ctx, st)
	if !isFuncLit(arg) && f.c.funcRef(arg) == nil {
		f.expr(arg, st)
	}
}

// takesSnapshot reports whether call stores a snapshot of the calling
// goroutine's current Context in a context.Context:
// ctxvar.WithCurrent(parent), or ctxvar.NewContext(parent, ctxvar.Copy()).
func (c *checker) takesSnapshot(call *ast.CallExpr) bool {
	switch rt := c.callOf(call).rt; {
	case rt == nil:
		return false
	case rt == c.api.WithCurrent:
		return true
	case rt == c.api.NewContext && len(call.Args) == 2:
		arg, ok := ast.Unparen(call.Args[1]).(*ast.CallExpr)
		return ok && c.api.Copy != nil && c.callOf(arg).rt == c.api.Copy
	}
	return false
}

// inCycle reports whether b can run more than once.
func (f *flow) inCycle(b *cfg.Block) bool {
	if c, ok := f.cyclic[b]; ok {
		return c
	}
	seen := make(map[*cfg.Block]bool)
	stack := slices.Clone(b.Succs)
	found := false
	for len(stack) > 0 && !found {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == b {
			found = true
		} else if !seen[x] {
			seen[x] = true
			stack = append(stack, x.Succs...)
		}
	}
	if f.cyclic == nil {
		f.cyclic = make(map[*cfg.Block]bool)
	}
	f.cyclic[b] = found
	return found
}

func (f *flow) deferStmt(d *ast.DeferStmt, st *state) {
	call := d.Call
	info := f.c.pass.TypesInfo
	df := f.deferOf[d]
	switch {
	case df == nil || df.kind == deferLit:
		f.exprs(call.Args, st)
	case df.kind == deferReset || df.kind == deferGet || df.kind == deferSet:
		f.expr(ctxvarapi.Receiver(call), st)
		f.exprs(call.Args, st)
		if df.kind == deferReset {
			st.putLocal(f.dfrNum[d], f.restored(call, st))
		}
	default:
		if f.c.api.Callee(info, call) != nil {
			if recv := ctxvarapi.Receiver(call); recv != nil {
				f.expr(recv, st)
			}
		} else {
			f.operands(call.Fun, st)
		}
		f.exprs(call.Args, st)
	}
}

// litSummary returns what calling a function literal does to the Context
// of the goroutine that calls it.
func (c *checker) litSummary(lit *ast.FuncLit) *summary {
	if s, ok := c.litSums[lit]; ok {
		return s
	}
	s := &summary{sets: c.analyze(lit.Body, nil).exit}
	c.litSums[lit] = s
	return s
}

// funcRef returns the function or concrete method that e names as a value
// (helper, pkg.Helper, s.method, Generic[int]), or nil.
func (c *checker) funcRef(e ast.Expr) *types.Func {
	info := c.pass.TypesInfo
	switch x := ctxvarapi.StripIndex(e).(type) {
	case *ast.Ident:
		if fn, ok := info.Uses[x].(*types.Func); ok {
			return fn.Origin()
		}
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[x]; ok {
			fn, ok := sel.Obj().(*types.Func)
			if !ok || sel.Kind() != types.MethodVal || types.IsInterface(fn.Signature().Recv().Type()) {
				return nil
			}
			return fn.Origin()
		}
		if fn, ok := info.Uses[x.Sel].(*types.Func); ok {
			return fn.Origin()
		}
	}
	return nil
}
