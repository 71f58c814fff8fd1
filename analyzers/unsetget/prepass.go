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
// results of Lookup), which are those assigned only in the ways it
// understands.
func (c *checker) prepare(body *ast.BlockStmt) *bodyInfo {
	// Most bodies have none of what the maps hold: they are made when
	// needed.
	f := &bodyInfo{g: c.cfgOf(body)}
	info := c.pass.TypesInfo
	// Only the locals declared in the body can be followed. Their
	// declaration comes before any other mention of them, so the others
	// need not be recorded at all.
	var locals map[*types.Var]*local
	// def records a definition of a local in this body. Locals are
	// defined only by :=, var and range; what other definitions a body
	// holds (fields, parameters of func types) are never assigned.
	def := func(e ast.Expr, nested bool) {
		if id, ok := e.(*ast.Ident); ok && !nested {
			if v, ok := info.Defs[id].(*types.Var); ok && locals[v] == nil {
				if locals == nil {
					locals = make(map[*types.Var]*local)
				}
				locals[v] = new(local)
			}
		}
	}
	classify := func(v *types.Var, rhs ast.Expr, nested, define bool) {
		l := locals[v]
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
		default:
			l.other++
		}
	}
	// lookupOK handles v, ok := X.Lookup(): ok may guard a Get of X.
	lookupOK := func(lhs []ast.Expr, rhs ast.Expr, nested bool) bool {
		call, ok := ast.Unparen(rhs).(*ast.CallExpr)
		if !ok || c.api.Lookup == nil || c.callOf(call).rt != c.api.Lookup {
			return false
		}
		x := c.trackedVar(ctxvarapi.Receiver(call))
		if x == nil {
			return false
		}
		if id, ok := ast.Unparen(lhs[0]).(*ast.Ident); ok {
			if l := locals[localVar(info, id)]; l != nil {
				l.other++
			}
		}
		if id, ok := ast.Unparen(lhs[1]).(*ast.Ident); ok {
			if l := locals[localVar(info, id)]; l != nil {
				if nested || (l.lookups > 0 && l.lookup != c.numOf(x)) {
					l.other++
				}
				l.lookups++
				l.lookup = c.numOf(x)
			}
		}
		return true
	}
	// The body is visited without the function literals in it, then each
	// of these (nested) with everything in it: what is counted does not
	// depend on the order.
	var lits []*ast.FuncLit
	visit := func(n ast.Node, nested bool) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			if !nested {
				lits = append(lits, n)
				return false
			}
		case *ast.Ident:
			// Only the locals declared here are of interest, and their
			// declaration comes first.
			if v, ok := info.Uses[n].(*types.Var); ok {
				if l := locals[v]; l != nil {
					l.uses++
				}
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, lhs := range n.Lhs {
					def(lhs, nested)
				}
			}
			if len(n.Lhs) == 2 && len(n.Rhs) == 1 && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
				if lookupOK(n.Lhs, n.Rhs[0], nested) {
					break
				}
			}
			for i, lhs := range n.Lhs {
				id, ok := ast.Unparen(lhs).(*ast.Ident)
				if !ok {
					continue
				}
				if v := localVar(info, id); v != nil {
					var rhs ast.Expr
					if (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) && len(n.Lhs) == len(n.Rhs) {
						rhs = n.Rhs[i]
					}
					classify(v, rhs, nested, n.Tok == token.DEFINE)
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				def(id, nested)
			}
			if len(n.Values) == 0 {
				break
			}
			if len(n.Names) == 2 && len(n.Values) == 1 && lookupOK([]ast.Expr{n.Names[0], n.Names[1]}, n.Values[0], nested) {
				break
			}
			for i, id := range n.Names {
				if v := localVar(info, id); v != nil {
					var rhs ast.Expr
					if len(n.Values) == len(n.Names) {
						rhs = n.Values[i]
					}
					classify(v, rhs, nested, true)
				}
			}
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
				if l := locals[localVar(info, id)]; l != nil {
					l.other++
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				def(n.Key, nested)
				def(n.Value, nested)
			}
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := ast.Unparen(e).(*ast.Ident); ok {
					if l := locals[localVar(info, id)]; l != nil {
						l.other++
					}
				}
			}
		case *ast.CallExpr:
			if !nested && c.api.ContextRun != nil && c.callOf(n).rt == c.api.ContextRun {
				if id, ok := ast.Unparen(ctxvarapi.Receiver(n)).(*ast.Ident); ok {
					if l := locals[localVar(info, id)]; l != nil {
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
	ast.Inspect(body, func(n ast.Node) bool { return visit(n, false) })
	for _, lit := range lits {
		ast.Inspect(lit, func(n ast.Node) bool { return visit(n, true) })
	}
	for v, l := range locals {
		switch {
		case l.other > 0:
		case l.setRHS > 0 && l.copyDef == 0 && l.lookups == 0:
			if f.tokens == nil {
				f.tokens = make(map[*types.Var]bool)
				f.tokNum = make(map[*types.Var]int)
			}
			f.tokens[v] = true
			f.tokNum[v] = f.nlocal
			f.nlocal++
		case l.copyDef == 1 && l.setRHS == 0 && l.lookups == 0 && l.runs == 1 && l.uses == 1:
			if f.ctxs == nil {
				f.ctxs = make(map[*types.Var]bool)
				f.ctxNum = make(map[*types.Var]int)
			}
			f.ctxs[v] = true
			f.ctxNum[v] = len(f.ctxNum)
		case l.lookups > 0 && l.setRHS == 0 && l.copyDef == 0:
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
