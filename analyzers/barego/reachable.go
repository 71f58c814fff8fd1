package barego

import (
	"go/ast"
)

// allReachable reports whether every statement of list, and of the
// statements in it, can be reached in the CFG that buildEvents would build
// with mayReturn: whether no statement list holds statements after one
// that may not complete normally. It errs towards false, which only costs
// building the CFG: a labeled statement (the target of a goto, or of a
// labeled break or continue) makes it false, and it takes a for statement
// without a condition for one that does not complete.
func (pa *pkgAnalysis) allReachable(list []ast.Stmt) bool {
	for i, s := range list {
		if !pa.reachableWithin(s) || i < len(list)-1 && pa.mayNotComplete(s) {
			return false
		}
	}
	return true
}

// reachableWithin reports whether every statement nested in s can be
// reached when s can.
func (pa *pkgAnalysis) reachableWithin(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.LabeledStmt:
		return false // a goto may jump past code
	case *ast.BlockStmt:
		return pa.allReachable(s.List)
	case *ast.IfStmt:
		if s.Init != nil && pa.mayNotComplete(s.Init) || !pa.allReachable(s.Body.List) {
			return false
		}
		return s.Else == nil || pa.reachableWithin(s.Else)
	case *ast.ForStmt:
		if s.Init != nil && pa.mayNotComplete(s.Init) || s.Post != nil && pa.mayNotComplete(s.Post) {
			return false
		}
		return pa.allReachable(s.Body.List)
	case *ast.RangeStmt:
		return pa.allReachable(s.Body.List)
	case *ast.SwitchStmt:
		return (s.Init == nil || !pa.mayNotComplete(s.Init)) && pa.clausesReachable(s.Body)
	case *ast.TypeSwitchStmt:
		return (s.Init == nil || !pa.mayNotComplete(s.Init)) && pa.clausesReachable(s.Body)
	case *ast.SelectStmt:
		return pa.clausesReachable(s.Body)
	}
	return true
}

// clausesReachable reports whether every statement of the clauses of a
// switch or select statement can be reached.
func (pa *pkgAnalysis) clausesReachable(body *ast.BlockStmt) bool {
	for _, c := range body.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			if !pa.allReachable(c.Body) {
				return false
			}
		case *ast.CommClause:
			if c.Comm != nil && pa.mayNotComplete(c.Comm) || !pa.allReachable(c.Body) {
				return false
			}
		}
	}
	return true
}

// mayNotComplete reports whether control may not go on past s, so that the
// statements after it may not be reached: s returns, jumps, calls a
// function that does not return (as the CFG builder asks mayReturn), or
// ends in such a statement on all of its paths. It errs towards true.
func (pa *pkgAnalysis) mayNotComplete(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt, *ast.BranchStmt, *ast.LabeledStmt:
		return true
	case *ast.ExprStmt:
		call, ok := s.X.(*ast.CallExpr)
		return ok && !pa.mayReturn(call)
	case *ast.BlockStmt:
		return pa.endsIncomplete(s.List)
	case *ast.IfStmt:
		return s.Else != nil && pa.endsIncomplete(s.Body.List) && pa.mayNotComplete(s.Else)
	case *ast.ForStmt:
		return s.Cond == nil
	case *ast.SwitchStmt:
		return pa.clausesIncomplete(s.Body, true)
	case *ast.TypeSwitchStmt:
		return pa.clausesIncomplete(s.Body, true)
	case *ast.SelectStmt:
		return pa.clausesIncomplete(s.Body, false)
	}
	return false
}

// endsIncomplete reports whether list ends in a statement that may not
// complete.
func (pa *pkgAnalysis) endsIncomplete(list []ast.Stmt) bool {
	return len(list) > 0 && pa.mayNotComplete(list[len(list)-1])
}

// clausesIncomplete reports whether a switch or select statement may not
// complete: whether each of its clauses ends in a statement that may not
// (a break among them), and a switch has a default clause, without which
// control may skip them all.
func (pa *pkgAnalysis) clausesIncomplete(body *ast.BlockStmt, isSwitch bool) bool {
	hasDefault := false
	for _, c := range body.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			hasDefault = hasDefault || c.List == nil
			if !pa.endsIncomplete(c.Body) {
				return false
			}
		case *ast.CommClause:
			if !pa.endsIncomplete(c.Body) {
				return false
			}
		}
	}
	return hasDefault || !isSwitch
}
