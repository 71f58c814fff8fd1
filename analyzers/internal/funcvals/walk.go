package funcvals

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
)

// build walks the function node and the literals in it, recording what
// they do with their local variables.
func (r *Resolver) build(rt *root, node ast.Node) {
	fi := len(rt.funcs)
	fn := &fnode{node: node}
	rt.funcs = append(rt.funcs, fn)
	var ftype *ast.FuncType
	switch n := node.(type) {
	case *ast.FuncDecl:
		ftype, fn.body = n.Type, n.Body
		r.declareFields(rt, n.Recv, fi, param)
	case *ast.FuncLit:
		ftype, fn.body = n.Type, n.Body
	}
	r.declareFields(rt, ftype.Params, fi, param)
	r.declareFields(rt, ftype.Results, fi, result)

	ast.Inspect(fn.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			r.build(rt, n)
			return false
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				var rhs ast.Expr
				if (n.Tok == token.DEFINE || n.Tok == token.ASSIGN) && len(n.Lhs) == len(n.Rhs) {
					rhs = n.Rhs[i]
				}
				r.assign(rt, fi, n, lhs, rhs, nil)
			}
		case *ast.IncDecStmt:
			r.modify(rt, fi, n.X)
		case *ast.RangeStmt:
			fn.loops = append(fn.loops, n)
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if e == nil {
					continue
				}
				var over ast.Expr
				if e == n.Value && n.Tok == token.DEFINE {
					over = n.X
				}
				if v := r.assign(rt, fi, e, e, nil, over); v != nil && n.Tok == token.DEFINE {
					rt.headers[v] = n
				}
			}
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
				rt.safe[id] = true
			}
		case *ast.ForStmt:
			fn.loops = append(fn.loops, n)
			if init, ok := n.Init.(*ast.AssignStmt); ok && init.Tok == token.DEFINE {
				for _, lhs := range init.Lhs {
					if v, ok := r.info.Defs[lhs.(*ast.Ident)].(*types.Var); ok {
						rt.headers[v] = n
					}
				}
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				fn.gotos = true
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				v, ok := r.info.Defs[name].(*types.Var)
				if !ok {
					continue
				}
				l := &local{fn: fi, role: declared}
				rt.vars[v] = l
				d := &def{node: n, fn: fi, decl: true}
				switch {
				case len(n.Values) == 0:
					d.zero = true
				case len(n.Values) == len(n.Names):
					d.rhs = n.Values[i]
				}
				l.defs = append(l.defs, d)
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				r.escape(rt, n.X)
			}
		case *ast.SelectorExpr:
			sel, ok := r.info.Selections[n]
			if !ok {
				break
			}
			switch sel.Kind() {
			case types.MethodVal:
				rt.touch(r.base(n.X))
				if m, ok := sel.Obj().(*types.Func); ok && pointerRecv(m) && !isPointer(r.info.TypeOf(n.X)) && !sel.Indirect() {
					r.escape(rt, n.X) // x.M takes &x
				}
			case types.FieldVal:
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					rt.safe[id] = true
				}
			}
		case *ast.IndexExpr:
			if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
				rt.safe[id] = true
			}
		case *ast.SliceExpr:
			rt.touch(r.base(n.X))
			if _, ok := typeUnder(r.info.TypeOf(n.X)).(*types.Array); ok {
				r.escape(rt, n.X) // slicing an array takes its address
			}
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && len(n.Args) == 1 {
				if b, ok := r.info.Uses[id].(*types.Builtin); ok && (b.Name() == "len" || b.Name() == "cap") {
					if arg, ok := ast.Unparen(n.Args[0]).(*ast.Ident); ok {
						rt.safe[arg] = true
					}
				}
			}
		case *ast.Ident:
			if v, ok := r.info.Uses[n].(*types.Var); ok {
				if l := rt.vars[v]; l != nil {
					l.uses++
					if rt.safe[n] {
						l.readUses++
					}
				}
			}
		}
		return true
	})
}

// declareFields records the parameters or results a field list declares.
func (r *Resolver) declareFields(rt *root, fields *ast.FieldList, fi int, ro role) {
	if fields == nil {
		return
	}
	for _, f := range fields.List {
		for _, name := range f.Names {
			if v, ok := r.info.Defs[name].(*types.Var); ok {
				rt.vars[v] = &local{fn: fi, role: ro}
			}
		}
	}
}

// assign records an assignment of rhs (nil when unknown) to lhs, at node,
// and returns the variable it declares or assigns whole, if any. over is
// what a range statement's value ranges over.
func (r *Resolver) assign(rt *root, fi int, node ast.Node, lhs, rhs, over ast.Expr) *types.Var {
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		r.modify(rt, fi, lhs)
		return nil
	}
	if id.Name == "_" {
		return nil
	}
	d := &def{node: node, rhs: rhs, over: over, fn: fi}
	if v, ok := r.info.Defs[id].(*types.Var); ok {
		d.decl = true
		rt.vars[v] = &local{fn: fi, role: declared, defs: []*def{d}}
		return v
	}
	v, ok := r.info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	l := rt.vars[v]
	if l == nil {
		return nil
	}
	l.defs = append(l.defs, d)
	l.mods = append(l.mods, mod{pos: id.Pos(), fn: fi})
	rt.touch(v)
	return v
}

// modify records an assignment to a part of e (or to e, through ++ or
// --): a change of the variable at its root when no pointer leads there.
func (r *Resolver) modify(rt *root, fi int, e ast.Expr) {
	if v := r.valueRoot(e); v != nil {
		if l := rt.vars[v]; l != nil {
			l.mods = append(l.mods, mod{pos: e.Pos(), fn: fi})
		}
	}
	rt.touch(r.base(e))
}

// escape records that e's address is taken.
func (r *Resolver) escape(rt *root, e ast.Expr) {
	if v := r.valueRoot(e); v != nil {
		if l := rt.vars[v]; l != nil {
			l.escaped = true
		}
	}
	rt.touch(r.base(e))
}

func (rt *root) touch(v *types.Var) {
	if l := rt.vars[v]; l != nil {
		l.touched = true
	}
}

// valueRoot returns the variable whose own storage holds e: v for v,
// v.f and v[i] when v is a struct or an array, not through a pointer, a
// slice or a map.
func (r *Resolver) valueRoot(e ast.Expr) *types.Var {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, _ := r.info.Uses[x].(*types.Var)
		if v == nil {
			v, _ = r.info.Defs[x].(*types.Var)
		}
		return v
	case *ast.SelectorExpr:
		sel, ok := r.info.Selections[x]
		if !ok || sel.Kind() != types.FieldVal || sel.Indirect() {
			return nil
		}
		return r.valueRoot(x.X)
	case *ast.IndexExpr:
		if _, ok := typeUnder(r.info.TypeOf(x.X)).(*types.Array); ok {
			return r.valueRoot(x.X)
		}
	}
	return nil
}

// base returns the variable at the base of a chain of selectors, index,
// slice and star expressions, or nil.
func (r *Resolver) base(e ast.Expr) *types.Var {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, _ := r.info.Uses[x].(*types.Var)
			return v
		case *ast.SelectorExpr:
			if _, ok := r.info.Selections[x]; !ok {
				return nil // a qualified identifier: not a local
			}
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

func pointerRecv(m *types.Func) bool {
	recv := m.Signature().Recv()
	return recv != nil && isPointer(recv.Type())
}

func isPointer(t types.Type) bool {
	_, ok := typeUnder(t).(*types.Pointer)
	return ok
}

func typeUnder(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	return t.Underlying()
}

func constInt64(tv types.TypeAndValue) (int64, bool) {
	v := constant.ToInt(tv.Value)
	if v.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(v)
}
