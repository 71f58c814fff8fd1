package barego

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// Long-lived goroutines. A goroutine that serves a stream of work, as a
// pool's worker does, outlives any one unit of work: starting it with Spawn
// would give every job the values of whoever started the pool. barego
// tells such functions by their loop, and points at the submission of each
// job instead.

// loopOf returns the Loop of fn: a range over a channel, or a for statement
// without a condition that receives from a channel, in fn's own body (not
// in the function literals in it, nor in the functions it calls), where
// the loop serves work that outlives fn's caller: it receives functions
// (jobs), or receives from a channel held in a field or a package-level
// variable (a pool's, a server's). A loop over a local channel or a
// parameter that carries no functions, such as a consumer of the results
// of the caller's own fan-out, serves one unit of work. A loop that
// receives functions that ctxvar.Bind, BindErr or BindArg fits says so in
// its Binder.
func (pa *pkgAnalysis) loopOf(fn *fnode) *Loop {
	if fn.loopDone {
		return fn.loop
	}
	fn.loopDone = true
	ast.Inspect(fn.body, func(n ast.Node) bool {
		if fn.loop != nil {
			return false
		}
		var recvs []ast.Expr // the channels the loop receives from
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.RangeStmt:
			if _, ok := typeUnder(pa.info.TypeOf(n.X)).(*types.Chan); ok {
				recvs = []ast.Expr{n.X}
			}
		case *ast.ForStmt:
			if n.Cond == nil {
				recvs = pa.receives(n.Body)
			}
		}
		serves := false
		binder := ""
		for _, ch := range recvs {
			elem := typeUnder(pa.info.TypeOf(ch)).(*types.Chan).Elem()
			_, jobs := elem.Underlying().(*types.Signature)
			if jobs && binder == "" {
				binder = binderOf(elem)
			}
			serves = serves || jobs || pa.lasting(ch)
		}
		if serves {
			fn.loop = &Loop{Binder: binder}
		}
		return true
	})
	return fn.loop
}

// lasting reports whether the channel e is held where it outlives a call:
// in a field, or in a package-level variable.
func (pa *pkgAnalysis) lasting(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		if sel, ok := pa.info.Selections[x]; ok {
			return sel.Kind() == types.FieldVal
		}
		v, ok := pa.info.Uses[x.Sel].(*types.Var)
		return ok && packageLevel(v)
	case *ast.Ident:
		v, ok := pa.info.Uses[x].(*types.Var)
		return ok && packageLevel(v)
	}
	return false
}

// receives returns the channels that body receives from, outside function
// literals: in receive expressions, select cases among them, and ranges
// over channels.
func (pa *pkgAnalysis) receives(body *ast.BlockStmt) []ast.Expr {
	var chans []ast.Expr
	add := func(e ast.Expr) {
		if _, ok := typeUnder(pa.info.TypeOf(e)).(*types.Chan); ok {
			chans = append(chans, e)
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				add(n.X)
			}
		case *ast.RangeStmt:
			add(n.X)
		}
		return true
	})
	return chans
}

// binderOf returns the runtime function that binds a function of type t
// to a Context: Bind for a func(), BindErr for a func() error, BindArg for
// a func(A); "" for other types.
func binderOf(t types.Type) string {
	sig, ok := t.Underlying().(*types.Signature)
	if !ok || sig.TypeParams() != nil {
		return ""
	}
	params, results := sig.Params(), sig.Results()
	switch {
	case params.Len() == 0 && results.Len() == 0:
		return "Bind"
	case params.Len() == 0 && results.Len() == 1 && types.Identical(results.At(0).Type(), types.Universe.Lookup("error").Type()):
		return "BindErr"
	case params.Len() == 1 && results.Len() == 0 && !sig.Variadic():
		return "BindArg"
	}
	return ""
}

func typeUnder(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

// actionLoop returns the Loop of the one function an action calls, if it
// is one: a literal or a function of this package, or a function of
// another whose fact says so.
func (pa *pkgAnalysis) actionLoop(a *action) *Loop {
	if a == nil || a.kind != evCall {
		return nil
	}
	if fn := pa.calleeNode(a); fn != nil {
		return pa.loopOf(fn)
	}
	if a.callee != nil {
		if s := pa.funcSummary(a.callee); s != nil {
			return s.loop
		}
	}
	return nil
}

// loopAdvice says why a goroutine that serves a stream of work should not
// take its starter's Context, and what to do instead: "the goroutine
// started by New runs p.work, a loop that outlives one unit of work; bind
// each job to its submitter's Context at submission with ctxvar.Bind(job)
// instead". fun is the function as the code starts it.
func (pa *pkgAnalysis) loopAdvice(c check, fun ast.Expr, loop *Loop) string {
	text := "the goroutine"
	if c.decl != nil {
		text += " started by " + c.decl.Name.Name
	}
	text += " runs "
	switch ctxvarapi.StripIndex(fun).(type) {
	case *ast.Ident, *ast.SelectorExpr:
		if name, ok := pa.source(fun); ok {
			text += name + ", "
		}
	}
	text += "a loop that outlives one unit of work; "
	if loop.Binder != "" {
		return text + "bind each job to its submitter's Context at submission with ctxvar." + loop.Binder + "(job) instead"
	}
	return text + "capture the Context where each job is submitted, with ctxvar.Copy, and run the job inside its Run instead"
}
