package ctxvarapi

import (
	"go/ast"
	"go/types"
	"strings"
)

// DisplayName names fn the way diagnostics show it: errgroup.(*Group).Go,
// time.AfterFunc, pool.Pool.Submit; a method of a generic type without its
// type arguments.
func DisplayName(fn *types.Func) string {
	pkg := ""
	if fn.Pkg() != nil {
		pkg = fn.Pkg().Name() + "."
	}
	sig := fn.Signature()
	if sig.Recv() == nil {
		return pkg + fn.Name()
	}
	rt := sig.Recv().Type()
	ptr := false
	if p, ok := rt.(*types.Pointer); ok {
		rt, ptr = p.Elem(), true
	}
	tname := types.TypeString(rt, func(*types.Package) string { return "" })
	if i := strings.IndexByte(tname, '['); i >= 0 {
		tname = tname[:i]
	}
	if ptr {
		return pkg + "(*" + tname + ")." + fn.Name()
	}
	return pkg + tname + "." + fn.Name()
}

// Enclosing returns the index in stack (the nodes that enclose n, innermost
// last) of the innermost one that is not a pair of parentheses, or -1 if all
// are; and n, or the outermost parentheses around it: the child of that node.
func Enclosing(stack []ast.Node, n ast.Node) (i int, child ast.Node) {
	child = n
	for i = len(stack) - 1; i >= 0; i-- {
		p, ok := stack[i].(*ast.ParenExpr)
		if !ok {
			break
		}
		child = p
	}
	return i, child
}
