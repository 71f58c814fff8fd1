package losttoken

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// This file finds the package's helpers: the functions and methods whose
// every return hands the caller the token of a Set made in the call, or a
// func() that resets such a token. A helper's caller must keep that result as
// it keeps a token (see Helper).
//
// A result of type *ctxvar.Token[T] qualifies when every return statement
// returns, at its index,
//
//   - a call of Set (v.Set(x), or the method expression (*ctxvar.Var[T]).Set(v, x)),
//   - a call of a token helper with that one result, or
//   - a local variable (or a named result, for a bare return) whose
//     assignments all assign such a call, that nothing else refers to, and
//     that is assigned on every path before a return that returns it.
//
// A result of type func() qualifies when every return statement returns, at
// its index,
//
//   - a function literal that calls Reset with a local token variable as
//     above, which nothing but such literals refers to,
//   - a call of a restore helper with that one result, or
//   - a local variable whose assignments all assign such a literal or call,
//     and that nothing else refers to.
//
// A return of a call with as many results (return f(x)) qualifies where f
// is a helper of the same result. A variable may leave through one result
// only (return tok, tok qualifies neither: the caller may drop one and keep
// the other). The function must have at least one return statement.
// Anything else, such as a return of nil, of a parameter or of a field, a
// token that is also reset, deferred, stored or passed, leaves the function
// no helper.

// kind is what a result of a candidate holds.
type kind int

const (
	noKind      kind = iota
	tokenKind        // *ctxvar.Token[T]
	restoreKind      // func()
)

// resultKind returns the kind of a result of type t.
func (c *checker) resultKind(t types.Type) kind {
	if c.isToken(t) {
		return tokenKind
	}
	if isRestoreFunc(t) {
		return restoreKind
	}
	return noKind
}

// isToken reports whether t is *ctxvar.Token[T] for some T.
func (c *checker) isToken(t types.Type) bool {
	if c.api.TokenType == nil {
		return false
	}
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Origin().Obj() == c.api.TokenType
}

// isRestoreFunc reports whether t is func(), or a type defined as one.
func isRestoreFunc(t types.Type) bool {
	sig, ok := t.Underlying().(*types.Signature)
	return ok && sig.Params().Len() == 0 && sig.Results().Len() == 0 && !sig.Variadic() && sig.TypeParams() == nil
}

// kinds returns the kinds of sig's results, and whether any is a token or
// a func().
func (c *checker) kinds(sig *types.Signature) ([]kind, bool) {
	res := sig.Results()
	if res.Len() == 0 {
		return nil, false
	}
	var ks []kind
	some := false
	for i := range res.Len() {
		k := c.resultKind(res.At(i).Type())
		ks = append(ks, k)
		some = some || k != noKind
	}
	return ks, some
}

// helperOf returns the Helper fact of fn's origin, from this package's
// analysis or from the facts of fn's package; nil when fn is no helper.
func (c *checker) helperOf(fn *types.Func) *Helper {
	if fn == nil {
		return nil
	}
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.local[fn]
	}
	h, ok := c.imported[fn]
	if !ok {
		if _, some := c.kinds(fn.Signature()); some {
			f := new(Helper)
			if c.pass.ImportObjectFact(fn, f) {
				h = f
			}
		}
		c.imported[fn] = h
	}
	return h
}

// findHelpers finds the package's helpers, records them in c.local and
// exports their facts. A helper may be made of others: the search repeats
// until no more are found.
func (c *checker) findHelpers() {
	var cands []*helperBody
	for _, f := range c.pass.Files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			sig := fn.Signature()
			ks, some := c.kinds(sig)
			if !some || fn == c.api.Set {
				continue
			}
			cands = append(cands, &helperBody{c: c, fd: fd, fn: fn, sig: sig, kinds: ks})
		}
	}
	if len(cands) == 0 {
		return
	}
	for _, hb := range cands {
		hb.scan()
	}
	for changed := true; changed; {
		changed = false
		for _, hb := range cands {
			if c.local[hb.fn] != nil || len(hb.returns) == 0 {
				continue
			}
			if h := hb.evaluate(); h != nil {
				c.local[hb.fn] = h
				changed = true
			}
		}
	}
	for _, hb := range cands {
		if h := c.local[hb.fn]; h != nil {
			c.pass.ExportObjectFact(hb.fn, h)
		}
	}
}

// A helperBody is a candidate helper, a function with a result of type
// *ctxvar.Token[T] or func(), with what its body says of its variables.
type helperBody struct {
	c     *checker
	fd    *ast.FuncDecl
	fn    *types.Func
	sig   *types.Signature
	kinds []kind // of the results

	returns []*ast.ReturnStmt         // of the function itself, not of its literals
	refs    map[*types.Var][]ref      // of the function's own variables (parameters, results, locals)
	zeros   map[*types.Var][]ast.Node // var v T declarations of them without a value
	litOut  map[*ast.FuncLit]int      // the result index a function literal leaves through (see scan)
	g       *cfg.CFG                  // built when needed
	memo    map[localKey]localResult  // of local
}

type refKind int

const (
	refOther  refKind = iota
	refAssign         // the left side of an assignment of the function
	refReturn         // a result of a return statement of the function
	refInLit          // anywhere in a function literal
)

// A ref is a reference to one of the function's variables.
type ref struct {
	kind  refKind
	write bool     // the reference may change the variable: assigned, incremented, address taken
	rhs   ast.Expr // refAssign: the value assigned, nil when not one to one
	index int      // refReturn: the result index
	lit   *ast.FuncLit
}

// scan walks the body once and records its returns and the references to
// the function's variables.
func (hb *helperBody) scan() {
	info := hb.c.pass.TypesInfo
	hb.refs = make(map[*types.Var][]ref)
	var stack []ast.Node
	var lit *ast.FuncLit // the outermost literal being walked
	ast.Inspect(hb.fd.Body, func(n ast.Node) bool {
		if n == nil {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if top == lit {
				lit = nil
			}
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			if lit == nil {
				lit = n
			}
		case *ast.ReturnStmt:
			if lit == nil {
				hb.returns = append(hb.returns, n)
			}
		case *ast.Ident:
			obj := info.Uses[n]
			if obj == nil {
				obj = info.Defs[n]
			}
			v, ok := obj.(*types.Var)
			if !ok || v.IsField() || v.Pos() < hb.fd.Pos() || v.Pos() >= hb.fd.End() {
				return false
			}
			// The parent, beyond parentheses.
			var parent ast.Node
			for i := len(stack) - 1; i >= 0; i-- {
				if _, ok := stack[i].(*ast.ParenExpr); !ok {
					parent = stack[i]
					break
				}
			}
			r := hb.classify(n, parent, lit)
			if r.kind == refOther && !r.write && info.Defs[n] == v {
				if spec, ok := parent.(*ast.ValueSpec); ok && len(spec.Values) == 0 {
					if hb.zeros == nil {
						hb.zeros = make(map[*types.Var][]ast.Node)
					}
					hb.zeros[v] = append(hb.zeros[v], spec)
					return false
				}
			}
			hb.refs[v] = append(hb.refs[v], r)
			return false
		}
		stack = append(stack, n)
		return true
	})

	// A literal leaves through result i when a return has it at index i,
	// or when it is assigned to a variable that leaves only through
	// result i (whether the variable's other assignments qualify is
	// checked later).
	hb.litOut = make(map[*ast.FuncLit]int)
	for _, ret := range hb.returns {
		if len(ret.Results) != hb.sig.Results().Len() {
			continue
		}
		for i, e := range ret.Results {
			if l, ok := ast.Unparen(e).(*ast.FuncLit); ok {
				hb.litOut[l] = i
			}
		}
	}
	for v, refs := range hb.refs {
		out := hb.leavesThrough(v)
		if out < 0 {
			continue
		}
		for _, r := range refs {
			if r.kind == refAssign && r.rhs != nil {
				if l, ok := ast.Unparen(r.rhs).(*ast.FuncLit); ok {
					hb.litOut[l] = out
				}
			}
		}
	}
}

// classify tells how an identifier that refers to one of the function's
// variables uses it; parent is the node that holds it, lit the outermost
// function literal around it.
func (hb *helperBody) classify(id *ast.Ident, parent ast.Node, lit *ast.FuncLit) ref {
	r := ref{kind: refOther}
	switch p := parent.(type) {
	case *ast.AssignStmt:
		for i, lhs := range p.Lhs {
			if ast.Unparen(lhs) != id {
				continue
			}
			r.write = true
			if p.Tok == token.ASSIGN || p.Tok == token.DEFINE {
				r.kind = refAssign
				if len(p.Lhs) == len(p.Rhs) {
					r.rhs = p.Rhs[i]
				}
			}
		}
	case *ast.ValueSpec:
		for i, name := range p.Names {
			if name == id && len(p.Values) > 0 {
				r.kind = refAssign
				r.write = true
				if len(p.Values) == len(p.Names) {
					r.rhs = p.Values[i]
				}
			}
		}
	case *ast.ReturnStmt:
		for i, e := range p.Results {
			if ast.Unparen(e) == id {
				r.kind, r.index = refReturn, i
			}
		}
	case *ast.UnaryExpr:
		r.write = p.Op == token.AND
	case *ast.IncDecStmt:
		r.write = true
	case *ast.RangeStmt:
		r.write = ast.Unparen(p.Key) == id || ast.Unparen(p.Value) == id
	}
	if lit != nil {
		r.kind, r.lit = refInLit, lit
	}
	return r
}

// leavesThrough returns the one result index through which variable v
// leaves the function, as far as the returns that name it tell: its
// references are assignments of the function and results of its returns
// (a bare return, for a named result) at that one index. It returns -1
// otherwise.
func (hb *helperBody) leavesThrough(v *types.Var) int {
	out := -1
	if i := hb.resultIndex(v); i >= 0 {
		for _, ret := range hb.returns {
			if len(ret.Results) == 0 {
				out = i
				break
			}
		}
	}
	for _, r := range hb.refs[v] {
		switch r.kind {
		case refAssign:
		case refReturn:
			if out >= 0 && out != r.index {
				return -1
			}
			out = r.index
		default:
			return -1
		}
	}
	return out
}

// resultIndex returns the index of v among the function's named results,
// or -1.
func (hb *helperBody) resultIndex(v *types.Var) int {
	res := hb.sig.Results()
	for i := range res.Len() {
		if res.At(i) == v {
			return i
		}
	}
	return -1
}

// isParam reports whether v is a parameter or the receiver of the function.
func (hb *helperBody) isParam(v *types.Var) bool {
	if hb.sig.Recv() == v {
		return true
	}
	return hb.paramIndex(v) >= 0
}

func (hb *helperBody) paramIndex(v *types.Var) int {
	params := hb.sig.Params()
	for i := range params.Len() {
		if params.At(i) == v {
			return i
		}
	}
	return -1
}

// evaluate returns the function's Helper fact, or nil when no result
// qualifies.
func (hb *helperBody) evaluate() *Helper {
	hb.memo = make(map[localKey]localResult)
	h := Helper{Pkg: hb.c.pass.Pkg.Path()}
	n := hb.sig.Results().Len()
	for i, k := range hb.kinds {
		if k == noKind {
			continue
		}
		var vr VarRef
		ok := true
		for j, ret := range hb.returns {
			var r VarRef
			switch {
			case len(ret.Results) == 0:
				v := hb.sig.Results().At(i)
				if v.Name() == "" || v.Name() == "_" {
					ok = false
					break
				}
				r, ok = hb.local(v, k, i)
			case len(ret.Results) == n:
				r, ok = hb.qualifies(ret.Results[i], k, i)
			case len(ret.Results) == 1:
				// return f(x), where f has as many results.
				r, ok = hb.helperCall(ret.Results[0], k, i, n)
			default:
				ok = false
			}
			if !ok {
				break
			}
			vr = merge(vr, j == 0, r)
		}
		if ok {
			h.Results = append(h.Results, Result{Index: i, Restore: k == restoreKind, Var: vr})
		}
	}
	if len(h.Results) == 0 {
		return nil
	}
	return &h
}

// qualifies reports whether e, returned at index i, or assigned to a
// variable that leaves through index i, is a value of kind k made in the
// call, and returns its Var.
func (hb *helperBody) qualifies(e ast.Expr, k kind, i int) (VarRef, bool) {
	info := hb.c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if k == tokenKind {
			if v := hb.c.setReceiver(e); v != nil {
				return hb.describe(v), true
			}
		}
		return hb.helperCall(e, k, 0, 1)
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok || hb.isParam(v) || v.Pos() < hb.fd.Pos() || v.Pos() >= hb.fd.End() {
			return VarRef{}, false
		}
		return hb.local(v, k, i)
	case *ast.FuncLit:
		if k != restoreKind {
			return VarRef{}, false
		}
		return hb.resetter(e, i)
	}
	return VarRef{}, false
}

// helperCall reports whether e is a call of a helper with n results whose
// result i is of kind k, and returns its Var in the terms of this function.
func (hb *helperBody) helperCall(e ast.Expr, k kind, i, n int) (VarRef, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return VarRef{}, false
	}
	callee, _ := typeutil.Callee(hb.c.pass.TypesInfo, call).(*types.Func)
	h := hb.c.helperOf(callee)
	if h == nil || callee.Signature().Results().Len() != n {
		return VarRef{}, false
	}
	r := h.result(i)
	if r == nil || r.Restore != (k == restoreKind) {
		return VarRef{}, false
	}
	root, fields := hb.c.rootArg(call, callee, r.Var)
	switch {
	case r.Var.Root == RootGlobal:
		return r.Var, true
	case root == nil:
		return VarRef{}, true
	}
	return hb.describe(root).withFields(fields), true
}

// resetter reports whether lit, which leaves through result i, calls Reset
// with a token variable of the function that nothing but such literals
// refers to, and returns the Var of that token.
func (hb *helperBody) resetter(lit *ast.FuncLit, i int) (VarRef, bool) {
	if out, ok := hb.litOut[lit]; !ok || out != i {
		return VarRef{}, false
	}
	info := hb.c.pass.TypesInfo
	var vr VarRef
	found := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		callee, _ := typeutil.Callee(info, call).(*types.Func)
		if callee == nil || callee.Origin() != hb.c.api.Reset || len(call.Args) == 0 {
			return true
		}
		id, ok := ast.Unparen(call.Args[len(call.Args)-1]).(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || hb.isParam(v) || hb.resultIndex(v) >= 0 || v.Pos() < hb.fd.Pos() || v.Pos() >= hb.fd.End() || lit.Pos() <= v.Pos() && v.Pos() < lit.End() {
			return true
		}
		if r, ok := hb.local(v, tokenKind, i); ok {
			vr = merge(vr, !found, r)
			found = true
		}
		return true
	})
	return vr, found
}

type localKey struct {
	v *types.Var
	k kind
	i int
}

type localResult struct {
	vr   VarRef
	ok   bool
	done bool // false while being computed: a cycle does not qualify
}

// local reports whether v, a variable of the function (a local or a named
// result, not a parameter), holds a value of kind k made in the call and
// leaves only through result i: each assignment assigns such a value, and
// the other references are results at index i of returns of the function
// or, for a token, uses in the function literals that leave through i.
// It must also be assigned before any return is reached from where it
// holds its zero value.
func (hb *helperBody) local(v *types.Var, k kind, i int) (VarRef, bool) {
	key := localKey{v, k, i}
	if r, ok := hb.memo[key]; ok {
		return r.vr, r.ok && r.done
	}
	hb.memo[key] = localResult{}
	vr, ok := hb.local1(v, k, i)
	hb.memo[key] = localResult{vr: vr, ok: ok, done: true}
	return vr, ok
}

func (hb *helperBody) local1(v *types.Var, k kind, i int) (VarRef, bool) {
	named := hb.resultIndex(v)
	if named >= 0 && named != i {
		return VarRef{}, false
	}
	var vr VarRef
	assigned := false
	for _, r := range hb.refs[v] {
		switch r.kind {
		case refAssign:
			if r.rhs == nil {
				return VarRef{}, false
			}
			rv, ok := hb.qualifies(r.rhs, k, i)
			if !ok {
				return VarRef{}, false
			}
			vr = merge(vr, !assigned, rv)
			assigned = true
		case refReturn:
			if r.index != i {
				return VarRef{}, false
			}
		case refInLit:
			// A token that a literal leaving through i resets: what
			// the literal does with it happens only if it is called.
			// A named result is out: an explicit return overwrites it
			// before the literal runs.
			if k != tokenKind || named >= 0 {
				return VarRef{}, false
			}
			if out, ok := hb.litOut[r.lit]; !ok || out != i {
				return VarRef{}, false
			}
		default:
			return VarRef{}, false
		}
	}
	if !assigned || !hb.assignedBeforeReturns(v, named >= 0) {
		return VarRef{}, false
	}
	return vr, true
}

// assignedBeforeReturns reports whether no return of the function that may
// return v's zero value can be reached from where v holds it: from the
// entry, for a named result, to a bare return; from a var v T declaration
// without a value, to any return.
func (hb *helperBody) assignedBeforeReturns(v *types.Var, namedResult bool) bool {
	zeros := hb.zeros[v]
	if !namedResult && len(zeros) == 0 {
		return true // declared by an assignment
	}
	if hb.g == nil {
		hb.g = hb.c.ret.Graph(hb.fd.Body)
	}
	info := hb.c.pass.TypesInfo
	assigns := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, lhs := range n.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && (info.Uses[id] == v || info.Defs[id] == v) {
					return true
				}
			}
		case *ast.ValueSpec:
			for _, name := range n.Names {
				if info.Defs[name] == v && len(n.Values) > 0 {
					return true
				}
			}
		}
		return false
	}
	bad := func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		return ok && (!namedResult || len(ret.Results) == 0)
	}
	seen := make(map[*cfg.Block]bool)
	// walk reports whether a bad return can be reached from nodes, the
	// rest of a block, and the blocks after it.
	var walk func(b *cfg.Block, nodes []ast.Node) bool
	walk = func(b *cfg.Block, nodes []ast.Node) bool {
		for _, n := range nodes {
			if bad(n) {
				return true
			}
			if assigns(n) {
				return false
			}
		}
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				if walk(s, s.Nodes) {
					return true
				}
			}
		}
		return false
	}
	if namedResult && len(hb.g.Blocks) > 0 {
		entry := hb.g.Blocks[0]
		seen[entry] = true
		if walk(entry, entry.Nodes) {
			return false
		}
	}
	for _, z := range zeros {
		for _, b := range hb.g.Blocks {
			for j, n := range b.Nodes {
				if n == z && walk(b, b.Nodes[j+1:]) {
					return false
				}
			}
		}
	}
	return true
}

// describe returns how the function names the Var that expression e
// denotes, the receiver of a Set.
func (hb *helperBody) describe(e ast.Expr) VarRef {
	info := hb.c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok || v.IsField() {
			return VarRef{}
		}
		if v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
			return VarRef{Root: RootGlobal, Pkg: v.Pkg().Path(), PkgName: v.Pkg().Name(), Name: v.Name()}
		}
		if !hb.stableParam(v) {
			return VarRef{}
		}
		if v == hb.sig.Recv() {
			return VarRef{Root: RootRecv, Name: v.Name()}
		}
		if i := hb.paramIndex(v); i >= 0 && !(hb.sig.Variadic() && i == hb.sig.Params().Len()-1) {
			return VarRef{Root: RootParam, Param: i, Name: v.Name()}
		}
	case *ast.SelectorExpr:
		if sel := info.Selections[e]; sel != nil {
			if sel.Kind() == types.FieldVal && len(sel.Index()) == 1 {
				return hb.describe(e.X).withField(e.Sel.Name)
			}
			return VarRef{}
		}
		if v, ok := info.Uses[e.Sel].(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
			return VarRef{Root: RootGlobal, Pkg: v.Pkg().Path(), PkgName: v.Pkg().Name(), Name: v.Name()}
		}
	}
	return VarRef{}
}

// stableParam reports whether v is a parameter or the receiver of the
// function that its body never writes.
func (hb *helperBody) stableParam(v *types.Var) bool {
	if !hb.isParam(v) {
		return false
	}
	for _, r := range hb.refs[v] {
		if r.write {
			return false
		}
	}
	return true
}
