package barego

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Vars passed as arguments. A function that reads or sets a Var its
// parameter holds (func logWith(v *ctxvar.Var[string]), a method whose
// receiver holds Vars in its fields) records a pRead or a parameter in its
// summary's psets; each call binds them to the Vars its arguments name.

// registerParams records the parameters of a function or literal whose
// signature is sig that may hold a Var.
func (pa *pkgAnalysis) registerParams(sig *types.Signature) {
	if pa.api == nil || sig == nil {
		return
	}
	if r := sig.Recv(); r != nil && pa.mayHoldVar(r.Type()) {
		pa.params[r] = -1
	}
	params := sig.Params()
	for i := range params.Len() {
		if p := params.At(i); p.Name() != "" && p.Name() != "_" && pa.mayHoldVar(p.Type()) {
			pa.params[p] = i
		}
	}
}

// mayHoldVar reports whether a parameter of type t may hold a Var that a
// call can name: a *ctxvar.Var[T], an interface with methods or a type
// parameter (to which a *ctxvar.Var[T] may be passed), or a named struct
// type, or a pointer to one, whose fields may hold Vars.
func (pa *pkgAnalysis) mayHoldVar(t types.Type) bool {
	if pa.api.IsVarType(t) {
		return true
	}
	switch t := types.Unalias(t).(type) {
	case *types.TypeParam:
		return true
	case *types.Pointer:
		n, ok := types.Unalias(t.Elem()).(*types.Named)
		if !ok {
			return false
		}
		_, ok = n.Underlying().(*types.Struct)
		return ok
	case *types.Named:
		switch u := t.Underlying().(type) {
		case *types.Struct:
			return true
		case *types.Interface:
			return u.NumMethods() > 0
		}
	case *types.Interface:
		return t.NumMethods() > 0
	}
	return false
}

// noteWrite records that e is assigned, incremented or has its address
// taken, whole or in part: the parameter or package-level variable at its
// base may no longer hold what it held.
func (pa *pkgAnalysis) noteWrite(e ast.Expr) {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, ok := pa.info.Uses[x].(*types.Var)
			if ok && (pa.isParam(v) || v.Pkg() == pa.pass.Pkg && v.Parent() == pa.pass.Pkg.Scope()) {
				pa.written[v] = true
			}
			return
		case *ast.SelectorExpr:
			if _, ok := pa.info.Selections[x]; !ok {
				if v, ok := pa.info.Uses[x.Sel].(*types.Var); ok && v.Pkg() == pa.pass.Pkg {
					pa.written[v] = true
				}
				return
			}
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return
		}
	}
}

func (pa *pkgAnalysis) isParam(v *types.Var) bool {
	_, ok := pa.params[v]
	return ok
}

// tracked reports whether p is a parameter that holds its caller's
// argument throughout its function: one the function never assigns, in
// whole or in part, nor takes the address of.
func (pa *pkgAnalysis) tracked(p *types.Var) bool {
	return pa.isParam(p) && !pa.written[p]
}

// isVarMethodName reports whether name is that of a reading method of
// *ctxvar.Var[T], which a method called through an interface or a type
// parameter may dispatch to.
func (pa *pkgAnalysis) isVarMethodName(name string) bool {
	if pa.api == nil {
		return false
	}
	for _, m := range []*types.Func{pa.api.Get, pa.api.GetOr, pa.api.Lookup, pa.api.ValueAny} {
		if m != nil && m.Name() == name {
			return true
		}
	}
	return false
}

// paramVar returns the parameter that e, an identifier, names, when it may
// hold a Var.
func (pa *pkgAnalysis) paramVar(e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := pa.info.Uses[id].(*types.Var)
	if !ok || !pa.isParam(v) {
		return nil
	}
	return v
}

// paramRead returns the read by method of the Var that recv, a parameter
// or a chain of fields from one, holds: p.Get(), s.Region.Get().
func (pa *pkgAnalysis) paramRead(recv ast.Expr, method string) *pRead {
	c, ok := pa.chain(recv)
	if !ok || c.root == nil || !pa.isParam(c.root) {
		return nil
	}
	pr := &pRead{param: c.root, path: c.path, method: method}
	if c.path != "" {
		if v, ok := pa.varRef(c.last); ok {
			pr.named = Read{Var: v, Method: method}
		}
	}
	return pr
}

// A fieldChain is an expression that selects fields from a variable:
// root.f.g, with path ".f.g" and last the field g.
type fieldChain struct {
	root *types.Var
	path string
	last *types.Var // nil for the variable itself
}

// chain splits e into the variable it starts from and the fields it
// selects, through pointers or not: Config, &Config, b.Config.Limits,
// s.Region. It fails for any other expression.
func (pa *pkgAnalysis) chain(e ast.Expr) (fieldChain, bool) {
	var fields []string
	var last *types.Var
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	for {
		switch x := e.(type) {
		case *ast.Ident:
			v, ok := pa.info.Uses[x].(*types.Var)
			if !ok {
				return fieldChain{}, false
			}
			return fieldChain{root: v, path: joinFields(fields), last: last}, true
		case *ast.SelectorExpr:
			sel, ok := pa.info.Selections[x]
			if !ok { // a qualified identifier
				v, ok := pa.info.Uses[x.Sel].(*types.Var)
				if !ok {
					return fieldChain{}, false
				}
				return fieldChain{root: v, path: joinFields(fields), last: last}, true
			}
			if sel.Kind() != types.FieldVal {
				return fieldChain{}, false
			}
			if last == nil {
				last, _ = sel.Obj().(*types.Var)
			}
			fields = append(fields, x.Sel.Name)
			e = ast.Unparen(x.X)
		default:
			return fieldChain{}, false
		}
	}
}

// joinFields spells fields, collected from the last, as a path: ".a.b".
func joinFields(fields []string) string {
	var b strings.Builder
	for i := len(fields) - 1; i >= 0; i-- {
		b.WriteString(".")
		b.WriteString(fields[i])
	}
	return b.String()
}

// packageLevel reports whether v is a package-level variable.
func packageLevel(v *types.Var) bool {
	return v.Pkg() != nil && !v.IsField() && v.Parent() == v.Pkg().Scope()
}

// maxPath is the most fields a path from a parameter to a Var goes
// through.
const maxPath = 4

type bindKey struct {
	call *ast.CallExpr
	pr   *pRead
}

// A binding is what a call binds a pRead of its callee to: the read of a
// Var it names, a pRead of a parameter of the caller, or nothing.
type binding struct {
	read  *Read
	param *pRead
}

// bind returns what call, whose action is a, binds pr to. A pRead of a
// parameter of another function than a's callee, one the callee captures,
// passes through unchanged.
func (pa *pkgAnalysis) bind(pr *pRead, a *action, call *ast.CallExpr) binding {
	if call == nil {
		return binding{}
	}
	key := bindKey{call, pr}
	if b, ok := pa.bindings[key]; ok {
		return b
	}
	arg, mine := pa.argFor(a, call, pr.param)
	var b binding
	switch {
	case !mine:
		b.param = pr
	case arg != nil:
		b = pa.bindArg(pr, arg)
	case pr.named.Var.Name != "":
		b.read = &pr.named
	}
	pa.bindings[key] = b
	return b
}

// argFor returns the argument that call passes to p, when p is a parameter
// (or the receiver) of the function a calls, with mine set; the argument
// is nil when the call passes none that can be told (to a variadic
// parameter, or as a call's several results).
func (pa *pkgAnalysis) argFor(a *action, call *ast.CallExpr, p *types.Var) (ast.Expr, bool) {
	var sig *types.Signature
	switch {
	case a.lit != nil:
		sig, _ = pa.info.TypeOf(a.lit).(*types.Signature)
	case a.callee != nil:
		sig = a.callee.Signature()
	}
	if sig == nil {
		return nil, false
	}
	recv, methodExpr := a.recv, a.methodExpr
	if recv == nil && !methodExpr && a.lit == nil {
		recv, methodExpr = pa.callRecv(call)
	}
	if r := sig.Recv(); r != nil && r == p {
		if methodExpr {
			if len(call.Args) > 0 {
				return call.Args[0], true
			}
			return nil, true
		}
		return recv, true
	}
	params := sig.Params()
	for i := range params.Len() {
		if params.At(i) != p {
			continue
		}
		if sig.Variadic() && i == params.Len()-1 {
			return nil, true
		}
		if methodExpr {
			i++
		}
		if i >= len(call.Args) {
			return nil, true
		}
		if _, tuple := pa.info.TypeOf(call.Args[i]).(*types.Tuple); tuple {
			return nil, true
		}
		return call.Args[i], true
	}
	return nil, false
}

// bindArg binds pr to the argument arg: to the Var arg names, or the field
// of it pr's path leads to; to a parameter of the caller that arg is, or
// holds in a field; else to the field's Var as its type names it, if any.
func (pa *pkgAnalysis) bindArg(pr *pRead, arg ast.Expr) binding {
	c, ok := pa.chain(arg)
	fallback := binding{}
	if pr.named.Var.Name != "" {
		fallback.read = &pr.named
	}
	if !ok || pr.dynamic && pa.api == nil {
		return fallback
	}
	path := c.path + pr.path
	if strings.Count(path, ".") > maxPath {
		// A recursive function that passes itself a field of its
		// parameter would make ever longer paths.
		return fallback
	}
	// The Var's static type, which a dynamic read needs to be a
	// *ctxvar.Var[T], and its identity for a read through fields.
	var varType types.Type
	named := pr.named
	switch {
	case pr.path != "":
		// The callee's field: it has the Var's type and name already.
	case c.last != nil:
		varType = c.last.Type()
		if v, ok := pa.varRef(c.last); ok {
			named = Read{Var: v, Method: pr.method}
		} else {
			named = Read{}
		}
	default:
		varType = c.root.Type()
	}
	method := pr.method
	if pr.dynamic && varType != nil {
		if !pa.api.IsVarType(varType) {
			if pa.tracked(c.root) && c.last == nil && !isConcrete(varType) {
				return binding{param: &pRead{param: c.root, method: method, dynamic: true}}
			}
			return binding{}
		}
		obj, _, _ := types.LookupFieldOrMethod(varType, true, pa.pass.Pkg, method)
		fn, ok := obj.(*types.Func)
		if !ok || !pa.api.IsVarRead(fn.Origin()) {
			return binding{}
		}
		method = fn.Name()
		named.Method = method
	}
	if pa.tracked(c.root) {
		return binding{param: &pRead{param: c.root, path: path, method: method, named: named}}
	}
	if !packageLevel(c.root) {
		if path != "" && named.Var.Name != "" {
			return binding{read: &named}
		}
		return fallback
	}
	if path == "" {
		v, ok := pa.varRef(c.root)
		if !ok {
			return binding{}
		}
		return binding{read: &Read{Var: v, Method: method}}
	}
	if named.Var.Name == "" {
		return binding{}
	}
	r := named
	r.Method = method
	pkg := c.root.Pkg()
	if via := (VarRef{Pkg: pkg.Path(), PkgName: pkg.Name(), Name: c.root.Name() + path}); via != r.Var {
		r.Via = via
	}
	return binding{read: &r}
}

// isConcrete reports whether t is neither an interface nor a type
// parameter: a method called on it is that of t.
func isConcrete(t types.Type) bool {
	switch types.Unalias(t).(type) {
	case *types.TypeParam:
		return false
	}
	return !types.IsInterface(t)
}

// applyParamRead adds pr to sum unless a Var it holds is in filter; a read
// of a parameter that its function does not track is a read of the field's
// Var, if it names one, or nothing.
func (pa *pkgAnalysis) applyParamRead(sum *summary, pr *pRead, filter varState) bool {
	if !pa.tracked(pr.param) {
		if pr.named.Var.Name == "" || filter.has(pr.named.Var) {
			return false
		}
		return sum.addRead(&pr.named)
	}
	if pr.path == "" && filter.hasParam(pr.param) || pr.path != "" && pr.named.Var.Name != "" && filter.has(pr.named.Var) {
		return false
	}
	return sum.addPRead(pr)
}

// callSets is what a call may set: Vars, parameters of the caller holding
// Vars, or any Var.
type callSets struct {
	vars   []VarRef
	params []*types.Var
	any    bool
}

// callSets returns what call, whose action is a (an evCall or evMulti),
// may set, binding the callee's parameters to its arguments. self is the
// summary of the function the call is in, whose own calls of itself set
// nothing more.
func (pa *pkgAnalysis) callSets(a *action, call *ast.CallExpr, self *summary) callSets {
	if a.kind == evMulti {
		var out callSets
		for _, alt := range a.alts {
			s := pa.callSets(alt, call, self)
			out.any = out.any || s.any
			out.vars = append(out.vars, s.vars...)
			out.params = append(out.params, s.params...)
		}
		return out
	}
	cs := pa.calleeSummary(a)
	if cs == nil || cs == self {
		return callSets{}
	}
	if len(cs.psets) == 0 {
		return callSets{vars: cs.sets, any: cs.setsAny}
	}
	out := callSets{vars: cs.sets, any: cs.setsAny}
	for _, p := range cs.psets {
		b := pa.bind(pa.setOf(p), a, call)
		switch {
		case b.param != nil && b.param.path == "":
			out.params = append(out.params, b.param.param)
		case b.param != nil && b.param.named.Var.Name != "":
			out.vars = append(out.vars[:len(out.vars):len(out.vars)], b.param.named.Var)
		case b.read != nil && b.read.Var.Name != "":
			out.vars = append(out.vars[:len(out.vars):len(out.vars)], b.read.Var)
		default:
			out.any = true
		}
	}
	return out
}

// setOf returns the pRead that stands for a Set of the Var parameter p
// holds, when a call binds it: one for each parameter, so that bindings
// are computed once.
func (pa *pkgAnalysis) setOf(p *types.Var) *pRead {
	pr, ok := pa.setReads[p]
	if !ok {
		pr = &pRead{param: p}
		pa.setReads[p] = pr
	}
	return pr
}
