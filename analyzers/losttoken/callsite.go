package losttoken

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// rootArg returns the expression of call, a call of the helper callee, that
// the root of r names, with the field selections that follow it: the
// argument of a parameter root, the receiver of a receiver root. It returns
// nil for other roots, and where the call does not show that expression
// (a promoted method, arguments spread from a call).
func (c *checker) rootArg(call *ast.CallExpr, callee *types.Func, r VarRef) (ast.Expr, []string) {
	info := c.pass.TypesInfo
	args := call.Args
	var recv ast.Expr
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := info.Selections[sel]; s != nil {
			switch s.Kind() {
			case types.MethodVal:
				if len(s.Index()) == 1 {
					recv = sel.X
				}
			case types.MethodExpr:
				if len(args) == 0 {
					return nil, nil
				}
				recv, args = args[0], args[1:]
			}
		}
	}
	if call.Ellipsis.IsValid() || len(args) != callee.Signature().Params().Len() {
		return nil, nil
	}
	switch r.Root {
	case RootParam:
		if r.Param < len(args) {
			return ast.Unparen(args[r.Param]), r.Fields
		}
	case RootRecv:
		if recv != nil {
			return ast.Unparen(recv), r.Fields
		}
	}
	return nil, nil
}

// varAt returns the Var of result r of the helper fn, called by call: as a
// message names it ("" when unknown), as the code at the call can write it
// ("" when it cannot: the Var or one of its fields is not exported, its
// package is not imported, a local name hides it), and whether a fix may
// write it there again (a plain reference, which means the same each time).
func (c *checker) varAt(call *ast.CallExpr, fn *types.Func, r Result) (name, text string, fix bool) {
	var t types.Type // the type of text
	switch r.Var.Root {
	case RootUnknown:
		return "", "", false
	case RootGlobal:
		name = r.Var.Name
		if r.Var.Pkg != c.pass.Pkg.Path() {
			name = r.Var.PkgName + "." + name
		}
		name = strings.Join(append([]string{name}, r.Var.Fields...), ".")
		text, t = c.globalAt(call.Pos(), r.Var)
		fix = true
	default:
		root, fields := c.rootArg(call, fn, r.Var)
		if root == nil {
			return "", "", false
		}
		name = strings.Join(append([]string{types.ExprString(root)}, fields...), ".")
		if hasCall(root) {
			// Naming it again would call again.
			return name, "", false
		}
		text, t = types.ExprString(root), c.pass.TypesInfo.TypeOf(root)
		fix = c.plainRef(root)
	}
	if text == "" || t == nil {
		return name, "", false
	}
	for _, f := range r.Var.Fields {
		obj, index, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, f)
		v, ok := obj.(*types.Var)
		if !ok || !v.IsField() || len(index) != 1 {
			return name, "", false
		}
		text, t = text+"."+f, v.Type()
	}
	if !c.api.IsVarType(t) || !c.hasReset(t) {
		return name, "", false
	}
	// The token is a *Token[T] of the Var's T.
	if !r.Restore {
		res := c.pass.TypesInfo.TypeOf(call)
		if tuple, ok := res.(*types.Tuple); ok {
			if r.Index >= tuple.Len() {
				return name, "", false
			}
			res = tuple.At(r.Index).Type()
		}
		if vt, tt := typeArg(t), typeArg(res); vt == nil || tt == nil || !types.Identical(vt, tt) {
			return name, "", false
		}
	}
	if fix {
		name = text // as the code writes it: an import may be renamed
	}
	return name, text, fix
}

// globalAt returns how code at pos writes the package-level variable of r
// and its type, or "" where it cannot: the variable is unexported in
// another package, or its file does not import that package, or a local
// name hides it.
func (c *checker) globalAt(pos token.Pos, r VarRef) (string, types.Type) {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return "", nil
	}
	if r.Pkg == c.pass.Pkg.Path() {
		_, obj := scope.LookupParent(r.Name, pos)
		v, ok := obj.(*types.Var)
		if !ok || v.Pkg() != c.pass.Pkg || v.Parent() != c.pass.Pkg.Scope() {
			return "", nil
		}
		return r.Name, v.Type()
	}
	if !token.IsExported(r.Name) {
		return "", nil
	}
	// The file scope holds the names of the file's imports.
	file := scope
	for file.Parent() != nil && file.Parent() != c.pass.Pkg.Scope() {
		file = file.Parent()
	}
	for _, name := range file.Names() {
		pn, ok := file.Lookup(name).(*types.PkgName)
		if !ok || pn.Imported().Path() != r.Pkg {
			continue
		}
		if _, obj := scope.LookupParent(name, pos); obj != pn {
			continue
		}
		v, ok := pn.Imported().Scope().Lookup(r.Name).(*types.Var)
		if !ok {
			continue
		}
		return name + "." + r.Name, v.Type()
	}
	return "", nil
}

// typeArg returns T of *Var[T] or *Token[T], or nil.
func typeArg(t types.Type) types.Type {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return nil
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	if !ok || named.TypeArgs().Len() != 1 {
		return nil
	}
	return named.TypeArgs().At(0)
}

// hasCall reports whether e holds a call or a conversion.
func hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if _, ok := n.(*ast.CallExpr); ok {
			found = true
		}
		return !found
	})
	return found
}
