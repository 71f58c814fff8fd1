package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// A local describes how a function uses one of its local variables.
type local struct {
	here    bool // declared in this body, outside nested function literals
	setRHS  int  // assignments of a token returned by Set
	copyDef int  // definitions by ctxvar.Copy()
	other   int  // other assignments, in nested literals too, and address-taking
	runs    int  // uses as the receiver of Context.Run outside nested literals
	uses    int
	lookups int   // assignments of the ok result of Lookup
	lookup  VarID // whose Lookup
}

// newFlow prepares the analysis of body: its control-flow graph, its
// deferred calls, and the locals whose values the analysis can follow
// (tokens, copied Contexts, results of Lookup), which are those assigned
// only in the ways it understands.
func (c *checker) newFlow(body *ast.BlockStmt) *flow {
	f := &flow{
		c:        c,
		g:        c.cfgOf(body),
		tokens:   make(map[*types.Var]bool),
		ctxs:     make(map[*types.Var]bool),
		guards:   make(map[*types.Var]VarID),
		caseExpr: make(map[ast.Expr]bool),
		deferOf:  make(map[*ast.DeferStmt]*deferred),
		preSet:   make(map[*ast.CallExpr]bool),
		cyclic:   make(map[*cfg.Block]bool),
	}
	info := c.pass.TypesInfo
	locals := make(map[*types.Var]*local)
	get := func(v *types.Var) *local {
		l := locals[v]
		if l == nil {
			l = new(local)
			locals[v] = l
		}
		return l
	}
	classify := func(v *types.Var, rhs ast.Expr, nested, define bool) {
		l := get(v)
		call, _ := ast.Unparen(rhs).(*ast.CallExpr)
		switch {
		case nested || call == nil:
			l.other++
		case c.api.Set != nil && c.api.Callee(info, call) == c.api.Set && c.trackedVar(ctxvarapi.Receiver(call)) != nil:
			l.setRHS++
		case define && c.api.Copy != nil && c.api.Callee(info, call) == c.api.Copy:
			l.copyDef++
		default:
			l.other++
		}
	}
	// lookupOK handles v, ok := X.Lookup(): ok may guard a Get of X.
	lookupOK := func(lhs []ast.Expr, rhs ast.Expr, nested bool) bool {
		call, ok := ast.Unparen(rhs).(*ast.CallExpr)
		if !ok || c.api.Lookup == nil || c.api.Callee(info, call) != c.api.Lookup {
			return false
		}
		x := c.trackedVar(ctxvarapi.Receiver(call))
		if x == nil {
			return false
		}
		if id, ok := ast.Unparen(lhs[0]).(*ast.Ident); ok {
			if v := localVar(info, id); v != nil {
				get(v).other++
			}
		}
		if id, ok := ast.Unparen(lhs[1]).(*ast.Ident); ok {
			if v := localVar(info, id); v != nil {
				l := get(v)
				if nested || (l.lookups > 0 && l.lookup != varID(x)) {
					l.other++
				}
				l.lookups++
				l.lookup = varID(x)
			}
		}
		return true
	}
	ast.PreorderStack(body, nil, func(n ast.Node, stack []ast.Node) bool {
		nested := slices.ContainsFunc(stack, func(s ast.Node) bool { _, ok := s.(*ast.FuncLit); return ok })
		switch n := n.(type) {
		case *ast.Ident:
			if v, ok := info.Defs[n].(*types.Var); ok && !nested {
				get(v).here = true
			}
			if v, ok := info.Uses[n].(*types.Var); ok {
				get(v).uses++
			}
		case *ast.AssignStmt:
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
				if v := localVar(info, id); v != nil {
					get(v).other++
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := ast.Unparen(e).(*ast.Ident); ok {
					if v := localVar(info, id); v != nil {
						get(v).other++
					}
				}
			}
		case *ast.CallExpr:
			if !nested && c.api.ContextRun != nil && c.api.Callee(info, n) == c.api.ContextRun {
				if id, ok := ast.Unparen(ctxvarapi.Receiver(n)).(*ast.Ident); ok {
					if v := localVar(info, id); v != nil {
						get(v).runs++
					}
				}
			}
		case *ast.SwitchStmt:
			if n.Tag != nil {
				for _, cc := range n.Body.List {
					for _, e := range cc.(*ast.CaseClause).List {
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
				f.deferOf[n] = d
			}
		}
		return true
	})
	for v, l := range locals {
		switch {
		case !l.here || l.other > 0:
		case l.setRHS > 0 && l.copyDef == 0 && l.lookups == 0:
			f.tokens[v] = true
		case l.copyDef == 1 && l.setRHS == 0 && l.lookups == 0 && l.runs == 1 && l.uses == 1:
			f.ctxs[v] = true
		case l.lookups > 0 && l.setRHS == 0 && l.copyDef == 0:
			f.guards[v] = l.lookup
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
		out.v = varID(v)
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
