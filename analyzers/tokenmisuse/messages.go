package tokenmisuse

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// add records a finding, once per position and kind.
func (e *engine) add(kind string, d analysis.Diagnostic) {
	k := diagKey{pos: d.Pos, kind: kind}
	if e.seen[k] {
		return
	}
	e.seen[k] = true
	e.diags = append(e.diags, d)
}

func (e *engine) line(pos token.Pos) int {
	return e.c.pass.Fset.Position(pos).Line
}

// resetText shows a Reset as the code writes it: requestID.Reset(tok), or
// "the deferred requestID.Reset(tok)".
func (e *engine) resetText(call *ast.CallExpr, deferred bool) string {
	s := types.ExprString(call)
	if len(s) > 48 {
		s = types.ExprString(call.Fun) + "(...)"
	}
	if deferred {
		return "the deferred " + s
	}
	return s
}

// tokName names the token a Reset takes: its variable, or "the token".
func tokName(call *ast.CallExpr) string {
	if len(call.Args) == 1 {
		if id, ok := ast.Unparen(call.Args[0]).(*ast.Ident); ok {
			return id.Name
		}
	}
	return "the token"
}

// origin describes where token r comes from: "requestID.Set on line 10".
func (e *engine) origin(r *rec) string {
	if call := e.calls[r.site]; call != nil {
		return fmt.Sprintf("%s on line %d", types.ExprString(call.Fun), e.line(r.site))
	}
	return fmt.Sprintf("the Set on line %d", e.line(r.site))
}

// varOf names the Var of token r.
func (e *engine) varOf(r *rec) string {
	if r.key != 0 {
		return e.c.keys[r.key].shown
	}
	if call := e.calls[r.site]; call != nil {
		if fn := e.callee(call); fn != nil && fn.Origin() == e.c.api.Set {
			if recv := ctxvarapi.Receiver(call); recv != nil {
				return types.ExprString(recv)
			}
		}
	}
	return "its Var"
}

// setValue shows the value the Set of token r gave its Var.
func (e *engine) setValue(r *rec) string {
	call := e.calls[r.site]
	if call == nil {
		return "the value its Set gave"
	}
	if fn := e.callee(call); fn != nil && fn.Origin() == e.c.api.Set && len(call.Args) == 1 {
		return shorten(call.Args[0])
	}
	return "the value " + types.ExprString(call.Fun) + " set"
}

// shorten renders an expression for a message, eliding long ones.
func shorten(x ast.Expr) string {
	s := types.ExprString(x)
	if len(s) > 32 {
		return "..."
	}
	return s
}

func (e *engine) diag(call *ast.CallExpr, stmt *ast.DeferStmt, msg string, related token.Pos, relMsg string) analysis.Diagnostic {
	d := analysis.Diagnostic{Pos: call.Pos(), End: call.End(), Message: msg}
	if stmt != nil {
		d.Pos, d.End = stmt.Pos(), stmt.End()
	}
	if related.IsValid() {
		d.Related = []analysis.RelatedInformation{{Pos: related, End: related + 1, Message: relMsg}}
	}
	return d
}

// reportUsed reports a Reset of a token that some path has reset already.
func (e *engine) reportUsed(s *state, call *ast.CallExpr, stmt *ast.DeferStmt, r *rec) {
	when := ""
	if stmt != nil {
		when = " when the function returns"
	}
	first := fmt.Sprintf("on line %d", e.line(r.usedAt))
	if r.usedDeferred {
		first = fmt.Sprintf("by the deferred Reset on line %d", e.line(r.usedAt))
	}
	advice := "remove one of the two Resets"
	if stmt != nil && !r.usedDeferred {
		advice = "keep either the deferred Reset or the other one"
	}
	msg := fmt.Sprintf("%s panics with ErrTokenUsed%s: on some path %s, the token of %s, was already reset %s, and a token restores its Var once; %s",
		e.resetText(call, stmt != nil), when, tokName(call), e.origin(r), first, advice)
	e.add("used", e.diag(call, stmt, msg, r.usedAt, "the token is reset here first"))
}

// reportNil reports a deferred Reset whose token was nil at the defer
// statement.
func (e *engine) reportNil(call *ast.CallExpr, stmt *ast.DeferStmt) {
	msg := fmt.Sprintf("%s panics with ErrNilToken when the function returns: on some path %s is nil at the defer statement, which evaluates the Reset's argument at once; defer the Reset right after the Set that makes the token",
		e.resetText(call, true), tokName(call))
	e.add("nil", e.diag(call, stmt, msg, token.NoPos, ""))
}

// reportVar reports a Reset, of the Var with key k, of a token of another
// Var.
func (e *engine) reportVar(call *ast.CallExpr, stmt *ast.DeferStmt, r *rec, k int32) {
	tv := e.varOf(r)
	msg := fmt.Sprintf("%s panics with ErrTokenVar: %s is a token of %s (from %s), not of %s; reset it with %s.Reset",
		e.resetText(call, stmt != nil), tokName(call), tv, e.origin(r), e.c.keys[k].shown, tv)
	e.add("var", e.diag(call, stmt, msg, r.site, "the token is made here"))
}

// reportContext reports a Reset in another Context than its token's Set.
func (e *engine) reportContext(a *activation, s *state, call *ast.CallExpr, stmt *ast.DeferStmt, r *rec) {
	made, here := e.ctxs[r.ctx], e.ctxs[s.ctx]
	what := e.resetText(call, stmt != nil)
	tok := tokName(call)
	var msg string
	switch {
	case here.kind == ctxOwn && here.act.kind == litAsync:
		msg = fmt.Sprintf("%s panics with ErrTokenContext: %s was made by %s, in the Context of the code that starts the function literal, and this Reset runs in %s, another Context; reset the token in the function that set it (defer %s.Reset(%s) right after the Set)",
			what, tok, e.origin(r), here.act.how, e.varOf(r), tok)
	case made.kind != ctxOwn && here.kind == ctxOwn:
		msg = fmt.Sprintf("%s panics with ErrTokenContext: %s was made by %s inside %s, in the Context it entered, and this Reset runs after it has returned, in another Context; reset the token inside the function passed to %s",
			what, tok, e.origin(r), e.runText(made.run), types.ExprString(made.run.Fun))
	case made.kind == ctxOwn && here.kind != ctxOwn:
		msg = fmt.Sprintf("%s panics with ErrTokenContext: %s was made by %s outside %s, and this Reset runs inside it, in the Context it entered; reset the token after %s returns",
			what, tok, e.origin(r), e.runText(here.run), types.ExprString(here.run.Fun))
	default:
		msg = fmt.Sprintf("%s panics with ErrTokenContext: %s was made by %s in another Context than the one this Reset runs in; reset each token in the Context of its Set",
			what, tok, e.origin(r))
	}
	e.add("context", e.diag(call, stmt, msg, r.site, "the token is made here"))
}

// runText shows a call of Run or RunContext: "c.Run on line 12".
func (e *engine) runText(call *ast.CallExpr) string {
	if call == nil {
		return "Run"
	}
	return fmt.Sprintf("%s on line %d", types.ExprString(call.Fun), e.line(call.Pos()))
}

// reportStale reports the Reset m of an earlier token of a Var that ran
// while token later was live, now that later's Reset, by call, restores
// the stale value.
func (e *engine) reportStale(m staleMark, s *state, call *ast.CallExpr, stmt *ast.DeferStmt, later *rec) {
	first := e.calls[m.reset]
	if first == nil {
		return
	}
	earlier := rec{site: m.site, key: later.key}
	v := e.varOf(later)
	laterName := tokName(call)
	if name, ok := e.siteVar[later.site]; ok {
		laterName = name
	} else if laterName == "the token" {
		laterName = "a token"
	}
	advice := fmt.Sprintf("%s.Reset(%s) before %s.Reset(%s)", v, laterName, v, tokName(first))
	if !token.IsIdentifier(laterName) || tokName(first) == "the token" {
		advice = "the later token's first"
	}
	msg := fmt.Sprintf("%s restores %s out of order: on some path %s, a later token of %s (from %s), is still live, and %s then sets %s back to %s, the value of %s, instead of the value from before both Sets, which leaks to the code that runs next in this Context; reset tokens in the reverse order of their Sets: %s",
		e.resetText(first, m.deferred), v, laterName, v, e.origin(later), e.laterText(call, stmt), v, e.setValue(&earlier), e.origin(&earlier),
		advice)
	pos, end := first.Pos(), first.End()
	if m.deferred {
		if ds := e.deferOf(first); ds != nil {
			pos, end = ds.Pos(), ds.End()
		}
	}
	d := analysis.Diagnostic{
		Pos:     pos,
		End:     end,
		Message: msg,
		Related: []analysis.RelatedInformation{{Pos: call.Pos(), End: call.End(), Message: "the later token's Reset restores the stale value here"}},
	}
	if !m.deferred && stmt == nil {
		if fix := e.swapFix(first, call); fix != nil {
			d.SuggestedFixes = []analysis.SuggestedFix{*fix}
		}
	}
	e.add("stale", d)
}

// laterText describes the Reset of the later token: "its Reset on line
// 14", "its deferred Reset on line 14".
func (e *engine) laterText(call *ast.CallExpr, stmt *ast.DeferStmt) string {
	if stmt != nil {
		return fmt.Sprintf("its deferred Reset on line %d", e.line(call.Pos()))
	}
	return fmt.Sprintf("its Reset on line %d", e.line(call.Pos()))
}

// deferOf returns the defer statement whose call is call, or nil.
func (e *engine) deferOf(call *ast.CallExpr) *ast.DeferStmt {
	var found *ast.DeferStmt
	ast.Inspect(e.u.body, func(n ast.Node) bool {
		if d, ok := n.(*ast.DeferStmt); ok && d.Call == call {
			found = d
		}
		return found == nil
	})
	return found
}

// swapFix returns the fix that swaps two adjacent Resets into the reverse
// order of their Sets, when that is clearly safe: both are statements of
// their own, one right after the other, of tokens held in variables
// assigned once, by Sets earlier in the same statement list, in order.
func (e *engine) swapFix(first, second *ast.CallExpr) *analysis.SuggestedFix {
	info := e.c.pass.TypesInfo
	list, i := e.stmtList(first)
	if list == nil || i+1 >= len(list) {
		return nil
	}
	s1, s2 := list[i], list[i+1]
	if es, ok := s2.(*ast.ExprStmt); !ok || ast.Unparen(es.X) != second {
		return nil
	}
	// The two token variables, each assigned once, by a statement before
	// the first Reset in the same list, the first token's before the
	// second's.
	defIndex := func(call *ast.CallExpr) int {
		if len(call.Args) != 1 {
			return -1
		}
		id, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
		if !ok {
			return -1
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok {
			return -1
		}
		idx, ok := e.u.varIdx[v]
		if !ok || e.u.vars[idx].assigns != 1 || !e.u.vars[idx].defined {
			return -1
		}
		for j := 0; j < i; j++ {
			if list[j].Pos() <= v.Pos() && v.Pos() < list[j].End() {
				return j
			}
		}
		return -1
	}
	d1, d2 := defIndex(first), defIndex(second)
	if d1 < 0 || d2 < 0 || d1 >= d2 {
		return nil
	}
	src, err := e.c.pass.ReadFile(e.c.pass.Fset.File(s1.Pos()).Name())
	if err != nil {
		return nil
	}
	tf := e.c.pass.Fset.File(s1.Pos())
	text := func(n ast.Node) []byte {
		start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
		if start < 0 || end > len(src) || start > end {
			return nil
		}
		return src[start:end]
	}
	t1, t2 := text(s1), text(s2)
	if t1 == nil || t2 == nil {
		return nil
	}
	return &analysis.SuggestedFix{
		Message: "Reset the later token first",
		TextEdits: []analysis.TextEdit{
			{Pos: s1.Pos(), End: s1.End(), NewText: t2},
			{Pos: s2.Pos(), End: s2.End(), NewText: t1},
		},
	}
}

// stmtList returns the statement list that holds the expression statement
// of call, and its index there.
func (e *engine) stmtList(call *ast.CallExpr) ([]ast.Stmt, int) {
	var list []ast.Stmt
	idx := -1
	ast.Inspect(e.u.body, func(n ast.Node) bool {
		if idx >= 0 {
			return false
		}
		var l []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			l = n.List
		case *ast.CaseClause:
			l = n.Body
		case *ast.CommClause:
			l = n.Body
		default:
			return true
		}
		for i, s := range l {
			if es, ok := s.(*ast.ExprStmt); ok && ast.Unparen(es.X) == call {
				list, idx = l, i
				return false
			}
		}
		return true
	})
	return list, idx
}

// A condGuard is a condition that decides whether a statement runs: the
// condition of an enclosing if statement, or the tag or case of an
// enclosing switch, as text, with the statement that tests it.
type condGuard struct {
	text string
	stmt ast.Node
}

// guards returns the guards of the code at pos that the engine does not
// decide itself: conditions on other things than the local booleans and
// nil tests it follows.
func (e *engine) guards(pos token.Pos) []condGuard {
	info := e.c.pass.TypesInfo
	var gs []condGuard
	var add func(stmt ast.Node, x ast.Expr)
	add = func(stmt ast.Node, x ast.Expr) {
		x = ast.Unparen(x)
		switch b := x.(type) {
		case *ast.UnaryExpr:
			if b.Op == token.NOT {
				add(stmt, b.X)
				return
			}
		case *ast.BinaryExpr:
			switch b.Op {
			case token.LAND, token.LOR:
				add(stmt, b.X)
				add(stmt, b.Y)
				return
			case token.EQL, token.NEQ:
				if op := nilOperand(info, b); op != nil {
					if id, ok := ast.Unparen(op).(*ast.Ident); ok {
						if v, ok := info.Uses[id].(*types.Var); ok {
							if _, ok := e.u.varIdx[v]; ok {
								return
							}
							if _, ok := e.u.atoms[v]; ok {
								return
							}
						}
					}
				}
				gs = append(gs, condGuard{types.ExprString(b.X) + "==" + types.ExprString(b.Y), stmt})
				return
			}
		case *ast.Ident:
			if v, ok := info.Uses[b].(*types.Var); ok {
				if _, ok := e.u.atoms[v]; ok {
					return
				}
			}
		}
		if tv, ok := info.Types[x]; ok && tv.Value != nil {
			return
		}
		gs = append(gs, condGuard{types.ExprString(x), stmt})
	}
	var path []ast.Node
	ast.Inspect(e.u.body, func(n ast.Node) bool {
		if n == nil || n.Pos() > pos || n.End() <= pos {
			return false
		}
		path = append(path, n)
		return true
	})
	for i, n := range path {
		if i+1 >= len(path) {
			break
		}
		child := path[i+1]
		switch n := n.(type) {
		case *ast.IfStmt:
			if child == n.Body || child == n.Else {
				add(n, n.Cond)
			}
		case *ast.CaseClause:
			sw := path[i-2] // the switch, above its body
			switch sw := sw.(type) {
			case *ast.SwitchStmt:
				if sw.Tag != nil {
					add(sw, sw.Tag)
				} else {
					for _, x := range n.List {
						add(sw, x)
					}
				}
			case *ast.TypeSwitchStmt:
				gs = append(gs, condGuard{"type switch " + types.ExprString(typeSwitchOperand(sw)), sw})
			}
		}
	}
	return gs
}

// typeSwitchOperand returns the operand of a type switch: x in
// switch x.(type) and in switch y := x.(type).
func typeSwitchOperand(sw *ast.TypeSwitchStmt) ast.Expr {
	var x ast.Expr
	switch a := sw.Assign.(type) {
	case *ast.ExprStmt:
		x = a.X
	case *ast.AssignStmt:
		if len(a.Rhs) == 1 {
			x = a.Rhs[0]
		}
	}
	if ta, ok := ast.Unparen(x).(*ast.TypeAssertExpr); ok {
		return ta.X
	}
	return x
}

// correlated reports whether two of the positions run under guards that
// test the same condition in different statements: the path that reaches
// both may be one that no run takes, as when a Reset under if err != nil
// is followed by one under if err == nil, or by one under a second if
// err != nil after the first has returned.
func (e *engine) correlated(positions ...token.Pos) bool {
	all := make([][]condGuard, len(positions))
	for i, p := range positions {
		all[i] = e.guards(p)
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			for _, a := range all[i] {
				for _, b := range all[j] {
					if a.text == b.text && a.stmt != b.stmt {
						return true
					}
				}
			}
		}
	}
	return false
}
