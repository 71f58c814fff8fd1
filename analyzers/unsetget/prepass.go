package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// A local describes how a function uses one of the local variables
// declared in its body, outside nested function literals.
type local struct {
	setRHS  int // assignments of a token returned by Set
	copyDef int // definitions by ctxvar.Copy()
	snapDef int // definitions by ctxvar.WithCurrent, or NewContext of ctxvar.Copy()
	other   int // other assignments, in nested literals too, and address-taking
	runs    int // uses as the receiver of Context.Run outside nested literals
	uses    int
	lookups int // assignments of the ok result of Lookup
	lookup  int // the number of the Var whose Lookup
}

// newFlow prepares the analysis of body.
func (c *checker) newFlow(body *ast.BlockStmt) *flow {
	b, ok := c.bodies[body]
	if !ok {
		b = c.prepare(body)
		c.bodies[body] = b
	}
	return &flow{bodyInfo: b, c: c}
}

// prepare works out body's control-flow graph, its deferred calls, and the
// locals whose values the analysis can follow (tokens, copied Contexts,
// results of Lookup, context.Contexts that carry a snapshot taken here),
// which are those assigned only in the ways it understands.
func (c *checker) prepare(body *ast.BlockStmt) *bodyInfo {
	// Most bodies have none of what the maps hold: they are made when
	// needed.
	p := &preparer{c: c, info: c.pass.TypesInfo, f: &bodyInfo{g: c.cfgOf(body)}}
	p.inspect = p.visitBody
	f := p.f
	// The body is visited without the function literals in it, then each
	// of these (nested) with everything in it: what is counted does not
	// depend on the order.
	p.stmts(body.List)
	for _, lit := range p.lits {
		ast.Inspect(lit, p.visitNested)
	}
	for v, l := range p.locals {
		switch {
		case l.other > 0:
		case l.setRHS > 0 && l.copyDef == 0 && l.snapDef == 0 && l.lookups == 0:
			if f.tokens == nil {
				f.tokens = make(map[*types.Var]bool)
				f.tokNum = make(map[*types.Var]int)
			}
			f.tokens[v] = true
			f.tokNum[v] = f.nlocal
			f.nlocal++
		case l.copyDef == 1 && l.setRHS == 0 && l.snapDef == 0 && l.lookups == 0 && l.runs == 1 && l.uses == 1:
			if f.ctxs == nil {
				f.ctxs = make(map[*types.Var]bool)
				if f.ctxNum == nil {
					f.ctxNum = make(map[*types.Var]int)
				}
			}
			f.ctxs[v] = true
			f.ctxNum[v] = len(f.ctxNum)
		case l.snapDef == 1 && l.setRHS == 0 && l.copyDef == 0 && l.lookups == 0:
			// A snapshot does not change: the local may be used any
			// number of times, in loops too.
			if f.snaps == nil {
				f.snaps = make(map[*types.Var]bool)
				if f.ctxNum == nil {
					f.ctxNum = make(map[*types.Var]int)
				}
			}
			f.snaps[v] = true
			f.ctxNum[v] = len(f.ctxNum)
		case l.lookups > 0 && l.setRHS == 0 && l.copyDef == 0 && l.snapDef == 0:
			if f.guards == nil {
				f.guards = make(map[*types.Var]int)
			}
			f.guards[v] = l.lookup
		}
	}
	for _, d := range f.defers {
		if d.kind == deferReset {
			if f.dfrNum == nil {
				f.dfrNum = make(map[*ast.DeferStmt]int)
			}
			f.dfrNum[d.stmt] = f.nlocal
			f.nlocal++
		}
	}
	return f
}

// A preparer is what prepare keeps while it visits a body.
type preparer struct {
	c    *checker
	info *types.Info
	f    *bodyInfo

	// Only the locals declared in the body can be followed. Their
	// declaration comes before any other mention of them, so the others
	// need not be recorded at all; and until a body declares one (most
	// never do), nothing need be looked up.
	locals map[*types.Var]*local
	lits   []*ast.FuncLit // the function literals in the body, not nested in others

	inspect func(ast.Node) bool // visitBody, made once for the walks of expressions
}

func (p *preparer) visitBody(n ast.Node) bool   { return p.visit(n, false) }
func (p *preparer) visitNested(n ast.Node) bool { return p.visit(n, true) }

// stmts visits the statements of the body in list, and the nodes in them,
// in the order of ast.Inspect. It leaves out the expressions while the
// body has no local to follow: until one is declared they can mention
// none, and a function literal in them, none that is declared after it.
// Most bodies never declare one, and so cost a walk of their statements
// only.
func (p *preparer) stmts(list []ast.Stmt) {
	for _, s := range list {
		p.stmt(s)
	}
}

func (p *preparer) stmt(s ast.Stmt) {
	if s == nil {
		return
	}
	p.visit(s, false)
	switch s := s.(type) {
	case *ast.BlockStmt:
		p.stmts(s.List)
	case *ast.LabeledStmt:
		p.stmt(s.Stmt)
	case *ast.ExprStmt:
		p.expr(s.X)
	case *ast.SendStmt:
		p.expr(s.Chan)
		p.expr(s.Value)
	case *ast.IncDecStmt:
		p.expr(s.X)
	case *ast.AssignStmt:
		p.exprs(s.Lhs)
		p.exprs(s.Rhs)
	case *ast.GoStmt:
		p.expr(s.Call)
	case *ast.DeferStmt:
		p.expr(s.Call)
	case *ast.ReturnStmt:
		p.exprs(s.Results)
	case *ast.DeclStmt:
		for _, spec := range s.Decl.(*ast.GenDecl).Specs {
			p.visit(spec, false)
			switch spec := spec.(type) {
			case *ast.ValueSpec:
				for _, id := range spec.Names {
					p.expr(id)
				}
				p.expr(spec.Type)
				p.exprs(spec.Values)
			case *ast.TypeSpec:
				p.expr(spec.Name)
				if spec.TypeParams != nil && len(p.locals) > 0 {
					ast.Inspect(spec.TypeParams, p.inspect)
				}
				p.expr(spec.Type)
			}
		}
	case *ast.IfStmt:
		p.stmt(s.Init)
		p.expr(s.Cond)
		p.stmt(s.Body)
		p.stmt(s.Else)
	case *ast.CaseClause:
		p.exprs(s.List)
		p.stmts(s.Body)
	case *ast.SwitchStmt:
		p.stmt(s.Init)
		p.expr(s.Tag)
		p.stmt(s.Body)
	case *ast.TypeSwitchStmt:
		p.stmt(s.Init)
		p.stmt(s.Assign)
		p.stmt(s.Body)
	case *ast.CommClause:
		p.stmt(s.Comm)
		p.stmts(s.Body)
	case *ast.SelectStmt:
		p.stmt(s.Body)
	case *ast.ForStmt:
		p.stmt(s.Init)
		p.expr(s.Cond)
		p.stmt(s.Post)
		p.stmt(s.Body)
	case *ast.RangeStmt:
		p.expr(s.Key)
		p.expr(s.Value)
		p.expr(s.X)
		p.stmt(s.Body)
	}
}

// expr visits e and the nodes in it, once the body has a local to follow.
func (p *preparer) expr(e ast.Expr) {
	if e != nil && len(p.locals) > 0 {
		ast.Inspect(e, p.inspect)
	}
}

func (p *preparer) exprs(es []ast.Expr) {
	for _, e := range es {
		p.expr(e)
	}
}

// local returns the record of the local id declares or refers to, or nil.
func (p *preparer) local(id *ast.Ident) *local {
	if len(p.locals) == 0 {
		return nil
	}
	return p.locals[localVar(p.info, id)]
}

// def records a definition of a local in this body. Locals are defined
// only by :=, var and range; what other definitions a body holds (fields,
// parameters of func types) are never assigned.
func (p *preparer) def(e ast.Expr, nested bool) {
	if id, ok := e.(*ast.Ident); ok && !nested {
		if v, ok := p.info.Defs[id].(*types.Var); ok && p.locals[v] == nil {
			if p.locals == nil {
				p.locals = make(map[*types.Var]*local)
			}
			p.locals[v] = new(local)
		}
	}
}

// followable reports whether a local defined as the i'th of n from values
// can be followed: whether it holds what Set, Copy, Lookup or a call that
// takes a snapshot (WithCurrent) returns. Any other definition counts as an
// assignment the analysis does not understand, so that the local would not
// be followed anyway: it is not recorded at all, which spares most locals.
func (p *preparer) followable(values []ast.Expr, n, i int) bool {
	var call *ast.CallExpr
	switch {
	case len(values) == n:
		call, _ = ast.Unparen(values[i]).(*ast.CallExpr)
	case len(values) == 1 && n == 2:
		call, _ = ast.Unparen(values[0]).(*ast.CallExpr)
	}
	if call == nil {
		return false
	}
	api := p.c.api
	rt := p.c.callOf(call).rt
	return rt != nil && (rt == api.Set || rt == api.Copy || rt == api.Lookup || p.c.takesSnapshot(call))
}

func (p *preparer) classify(v *types.Var, rhs ast.Expr, nested, define bool) {
	c := p.c
	l := p.locals[v]
	if l == nil {
		return
	}
	call, _ := ast.Unparen(rhs).(*ast.CallExpr)
	switch {
	case nested || call == nil:
		l.other++
	case c.api.Set != nil && c.callOf(call).rt == c.api.Set && c.trackedVar(ctxvarapi.Receiver(call)) != nil:
		l.setRHS++
	case define && c.api.Copy != nil && c.callOf(call).rt == c.api.Copy:
		l.copyDef++
	case define && c.takesSnapshot(call):
		l.snapDef++
	default:
		l.other++
	}
}

// lookupOK handles v, ok := X.Lookup(): ok may guard a Get of X.
func (p *preparer) lookupOK(lhs []ast.Expr, rhs ast.Expr, nested bool) bool {
	c := p.c
	call, ok := ast.Unparen(rhs).(*ast.CallExpr)
	if !ok || c.api.Lookup == nil || c.callOf(call).rt != c.api.Lookup {
		return false
	}
	x := c.trackedVar(ctxvarapi.Receiver(call))
	if x == nil {
		return false
	}
	if id, ok := ast.Unparen(lhs[0]).(*ast.Ident); ok {
		if l := p.local(id); l != nil {
			l.other++
		}
	}
	if id, ok := ast.Unparen(lhs[1]).(*ast.Ident); ok {
		if l := p.local(id); l != nil {
			if nested || (l.lookups > 0 && l.lookup != c.numOf(x)) {
				l.other++
			}
			l.lookups++
			l.lookup = c.numOf(x)
		}
	}
	return true
}

func (p *preparer) visit(n ast.Node, nested bool) bool {
	c, f := p.c, p.f
	switch n := n.(type) {
	case *ast.FuncLit:
		if !nested {
			p.lits = append(p.lits, n)
			return false
		}
	case *ast.Ident:
		if len(p.locals) > 0 {
			if v, ok := p.info.Uses[n].(*types.Var); ok {
				if l := p.locals[v]; l != nil {
					l.uses++
				}
			}
		}
	case *ast.AssignStmt:
		if n.Tok == token.DEFINE {
			for i, lhs := range n.Lhs {
				if p.followable(n.Rhs, len(n.Lhs), i) {
					p.def(lhs, nested)
				}
			}
		}
		if len(n.Lhs) == 2 && len(n.Rhs) == 1 && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
			if p.lookupOK(n.Lhs, n.Rhs[0], nested) {
				break
			}
		}
		if len(p.locals) == 0 {
			break
		}
		for i, lhs := range n.Lhs {
			id, ok := ast.Unparen(lhs).(*ast.Ident)
			if !ok {
				continue
			}
			if v := localVar(p.info, id); v != nil {
				var rhs ast.Expr
				if (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) && len(n.Lhs) == len(n.Rhs) {
					rhs = n.Rhs[i]
				}
				p.classify(v, rhs, nested, n.Tok == token.DEFINE)
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			// A variable declared without a value may be assigned one
			// later.
			if len(n.Values) == 0 || p.followable(n.Values, len(n.Names), i) {
				p.def(id, nested)
			}
		}
		if len(n.Values) == 0 {
			break
		}
		if len(n.Names) == 2 && len(n.Values) == 1 && p.lookupOK([]ast.Expr{n.Names[0], n.Names[1]}, n.Values[0], nested) {
			break
		}
		if len(p.locals) == 0 {
			break
		}
		for i, id := range n.Names {
			if v := localVar(p.info, id); v != nil {
				var rhs ast.Expr
				if len(n.Values) == len(n.Names) {
					rhs = n.Values[i]
				}
				p.classify(v, rhs, nested, true)
			}
		}
	case *ast.UnaryExpr:
		if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
			if l := p.local(id); l != nil {
				l.other++
			}
		}
	case *ast.RangeStmt:
		// The variables a range statement defines are not followed, and so
		// not recorded.
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := ast.Unparen(e).(*ast.Ident); ok {
				if l := p.local(id); l != nil {
					l.other++
				}
			}
		}
	case *ast.CallExpr:
		if !nested && len(p.locals) > 0 && c.api.ContextRun != nil && c.callOf(n).rt == c.api.ContextRun {
			if id, ok := ast.Unparen(ctxvarapi.Receiver(n)).(*ast.Ident); ok {
				if l := p.local(id); l != nil {
					l.runs++
				}
			}
		}
	case *ast.SwitchStmt:
		if n.Tag != nil {
			for _, cc := range n.Body.List {
				for _, e := range cc.(*ast.CaseClause).List {
					if f.caseExpr == nil {
						f.caseExpr = make(map[ast.Expr]bool)
					}
					f.caseExpr[e] = true
				}
			}
		}
	case *ast.DeferStmt:
		if !nested {
			f.recovers = f.recovers || c.mayRecover(n.Call)
			d := c.classifyDefer(n)
			d.first = slices.Contains(f.g.Blocks[0].Nodes, ast.Node(n))
			f.defers = append(f.defers, d)
			if f.deferOf == nil {
				f.deferOf = make(map[*ast.DeferStmt]*deferred)
			}
			f.deferOf[n] = d
		}
	}
	return true
}

// localVar returns the local variable id declares or refers to.
func localVar(info *types.Info, id *ast.Ident) *types.Var {
	obj := info.Defs[id]
	if obj == nil {
		obj = info.Uses[id]
	}
	v, ok := obj.(*types.Var)
	if !ok || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		return nil
	}
	return v
}

func (c *checker) classifyDefer(d *ast.DeferStmt) *deferred {
	info := c.pass.TypesInfo
	call := d.Call
	out := &deferred{stmt: d}
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		out.kind, out.lit = deferLit, lit
		return out
	}
	if rt := c.api.Callee(info, call); rt != nil {
		v := c.trackedVar(ctxvarapi.Receiver(call))
		if v == nil {
			return out
		}
		out.v = c.numOf(v)
		switch rt {
		case c.api.Reset:
			out.kind = deferReset
		case c.api.Set:
			out.kind = deferSet
		case c.api.Get:
			if c.status(v) == statusNoDefault {
				out.kind = deferGet
			}
		}
		return out
	}
	if fn := typeutil.StaticCallee(info, call); fn != nil {
		out.kind, out.fn = deferCall, fn.Origin()
	}
	return out
}

// mayRecover reports whether a deferred call may recover a panic: a
// function literal or a function of the package that calls recover, or a
// function whose name says it recovers.
func (c *checker) mayRecover(call *ast.CallExpr) bool {
	info := c.pass.TypesInfo
	var body ast.Node
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.FuncLit:
		body = fun.Body
	default:
		fn, ok := typeutil.Callee(info, call).(*types.Func)
		if !ok {
			return false
		}
		if strings.Contains(strings.ToLower(fn.Name()), "recover") {
			return true
		}
		decl := c.decls[fn.Origin()]
		if decl == nil {
			return false
		}
		body = decl.Body
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if b, ok := typeutil.Callee(info, call).(*types.Builtin); ok && b.Name() == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}
