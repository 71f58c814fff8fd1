package unsetget

import (
	"go/ast"
	"go/constant"
	"go/token"

	"golang.org/x/tools/go/cfg"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// implied returns the Vars that are set when control leaves b by its i'th
// successor: for a conditional block, what its condition being true (i ==
// 0) or false tells, as in
//
//	if _, ok := v.Lookup(); !ok {
//		v.Set(x)
//	}
func (f *flow) implied(b *cfg.Block, i int) *varSet {
	if len(b.Succs) != 2 || len(b.Nodes) == 0 {
		return nil
	}
	cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok || f.caseExpr[cond] {
		return nil
	}
	return f.implies(cond, i == 0)
}

// implies returns the Vars that are set when cond evaluates to truth, or
// nil when it tells of none, as most conditions do.
func (f *flow) implies(cond ast.Expr, truth bool) *varSet {
	info := f.c.pass.TypesInfo
	switch e := ast.Unparen(cond).(type) {
	case *ast.Ident:
		if len(f.guards) == 0 || !truth {
			break
		}
		if v := localVar(info, e); v != nil {
			if id, ok := f.guards[v]; ok {
				return only(id)
			}
		}
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			return f.implies(e.X, !truth)
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND, token.LOR:
			x, y := f.implies(e.X, truth), f.implies(e.Y, truth)
			if (e.Op == token.LAND) == truth {
				// Both operands evaluated to truth.
				if x == nil {
					return y
				}
				x.addAll(y)
				return x
			}
			// One of them did: only what both imply holds.
			if x == nil || y == nil {
				return nil
			}
			x.meet(y)
			return x
		case token.EQL, token.NEQ:
			// v.GetOr(c) != c: v has a value.
			if id, ok := f.getOrOther(e.X, e.Y); ok && (e.Op == token.NEQ) == truth {
				return only(id)
			}
			if id, ok := f.getOrOther(e.Y, e.X); ok && (e.Op == token.NEQ) == truth {
				return only(id)
			}
		}
	}
	return nil
}

// only returns the set of the one Var numbered i.
func only(i int) *varSet {
	s := newVarSet()
	s.add(i)
	return s
}

// getOrOther reports whether x is v.GetOr(a) for a Var v, with a and y the
// same constant or both nil, and returns v.
func (f *flow) getOrOther(x, y ast.Expr) (int, bool) {
	info := f.c.pass.TypesInfo
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || f.c.api.GetOr == nil || f.c.api.Callee(info, call) != f.c.api.GetOr {
		return 0, false
	}
	v := f.c.trackedVar(ctxvarapi.Receiver(call))
	if v == nil {
		return 0, false
	}
	a, b := info.Types[call.Args[0]], info.Types[y]
	return f.c.numOf(v), (a.IsNil() && b.IsNil()) || sameConstant(a.Value, b.Value)
}

func sameConstant(x, y constant.Value) bool {
	if x == nil || y == nil {
		return false
	}
	numeric := func(k constant.Kind) bool {
		return k == constant.Int || k == constant.Float || k == constant.Complex
	}
	if x.Kind() != y.Kind() && !(numeric(x.Kind()) && numeric(y.Kind())) {
		return false
	}
	return constant.Compare(x, token.EQL, y)
}

// infeasible reports whether control cannot leave b by its i'th successor
// because b ends in a constant condition (if debug { ... }).
func (f *flow) infeasible(b *cfg.Block, i int) bool {
	if len(b.Succs) != 2 || len(b.Nodes) == 0 {
		return false
	}
	cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok || f.caseExpr[cond] {
		return false
	}
	tv := f.c.pass.TypesInfo.Types[cond]
	if tv.Value == nil || tv.Value.Kind() != constant.Bool {
		return false
	}
	return constant.BoolVal(tv.Value) != (i == 0)
}
