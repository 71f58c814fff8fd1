// Package ctxvarapi finds the objects of the ctxvar runtime in a type-checked
// package, so that analyzers recognize its functions and methods by object
// identity rather than by name.
package ctxvarapi

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// Path is the import path of the ctxvar runtime.
const Path = "github.com/ctxvar/ctxvar/ctxvar"

// API holds the runtime's objects as one package sees them. A field is nil
// when the imported version of the runtime lacks that name.
type API struct {
	Pkg *types.Package

	// Package-level functions.
	New, Default, Copy, ValueIn         *types.Func
	Spawn, Bind, BindErr, BindArg       *types.Func
	VarType, TokenType, ContextType     *types.TypeName
	Get, GetOr, Lookup, Set, Reset      *types.Func // methods of *Var[T] (generic origins)
	Name, ValueAny                      *types.Func // (*Var[T]).Name and ValueAny
	ContextCopy, ContextRun, ContextLen *types.Func
	TokenVar, TokenOldValue             *types.Func

	// The bridge to context.Context: WithCurrent stores a snapshot of the
	// current Context in a context.Context, NewContext one of a given
	// Context; FromContext and RunContext read it back.
	WithCurrent, NewContext, FromContext, RunContext *types.Func
}

// Of returns the runtime's objects as pkg sees them, or nil when pkg cannot
// reach the runtime. The runtime need not be a direct import: a package that
// uses another package's Vars (p.RequestID.Set(x)) calls the runtime's
// methods without importing it, so the imports are searched transitively.
func Of(pkg *types.Package) *API {
	rt := findRuntime(pkg)
	if rt == nil {
		return nil
	}
	return OfRuntime(rt)
}

// OfRuntime returns the objects of rt, the runtime package, for a caller
// that has found it already.
func OfRuntime(rt *types.Package) *API {
	a := &API{Pkg: rt}
	scope := rt.Scope()
	fn := func(name string) *types.Func {
		f, _ := scope.Lookup(name).(*types.Func)
		return f
	}
	tn := func(name string) *types.TypeName {
		t, _ := scope.Lookup(name).(*types.TypeName)
		return t
	}
	a.New, a.Default, a.Copy, a.ValueIn = fn("New"), fn("Default"), fn("Copy"), fn("ValueIn")
	a.Spawn, a.Bind, a.BindErr, a.BindArg = fn("Spawn"), fn("Bind"), fn("BindErr"), fn("BindArg")
	a.VarType, a.TokenType, a.ContextType = tn("Var"), tn("Token"), tn("Context")
	a.Get, a.GetOr, a.Lookup = method(a.VarType, "Get"), method(a.VarType, "GetOr"), method(a.VarType, "Lookup")
	a.Set, a.Reset, a.Name = method(a.VarType, "Set"), method(a.VarType, "Reset"), method(a.VarType, "Name")
	a.ValueAny = method(a.VarType, "ValueAny")
	a.ContextCopy, a.ContextRun, a.ContextLen = method(a.ContextType, "Copy"), method(a.ContextType, "Run"), method(a.ContextType, "Len")
	a.TokenVar, a.TokenOldValue = method(a.TokenType, "Var"), method(a.TokenType, "OldValue")
	a.WithCurrent, a.NewContext = fn("WithCurrent"), fn("NewContext")
	a.FromContext, a.RunContext = fn("FromContext"), fn("RunContext")
	return a
}

// findRuntime returns the runtime package among pkg and its transitive
// imports, or nil.
func findRuntime(pkg *types.Package) *types.Package {
	seen := map[*types.Package]bool{pkg: true}
	queue := []*types.Package{pkg}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p.Path() == Path {
			return p
		}
		for _, imp := range p.Imports() {
			if !seen[imp] {
				seen[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	return nil
}

func method(tn *types.TypeName, name string) *types.Func {
	if tn == nil {
		return nil
	}
	named, ok := tn.Type().(*types.Named)
	if !ok {
		return nil
	}
	for m := range named.Methods() {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

// Callee returns the runtime function or method that call calls, as its
// generic origin, or nil when call calls anything else (including a call
// through a func value or an interface).
func (a *API) Callee(info *types.Info, call *ast.CallExpr) *types.Func {
	if a == nil {
		return nil
	}
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return nil
	}
	fn = fn.Origin()
	if fn.Pkg() != a.Pkg {
		return nil
	}
	return fn
}

// IsVarRead reports whether fn reads a Var: Get, GetOr, Lookup or
// ValueAny, as a method of *Var[T] (a call through the AnyVar interface
// names no Var).
func (a *API) IsVarRead(fn *types.Func) bool {
	return fn != nil && (fn == a.Get || fn == a.GetOr || fn == a.Lookup || fn == a.ValueAny)
}

// IsContextCarrier reports whether fn takes the current Context along to run
// code elsewhere: Copy, WithCurrent, Spawn, Bind, BindErr or BindArg.
func (a *API) IsContextCarrier(fn *types.Func) bool {
	return fn != nil && (fn == a.Copy || fn == a.WithCurrent || fn == a.Spawn || fn == a.Bind || fn == a.BindErr || fn == a.BindArg)
}

// IsVarType reports whether t is *Var[T] for some T.
func (a *API) IsVarType(t types.Type) bool {
	if a == nil || a.VarType == nil {
		return false
	}
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Origin().Obj() == a.VarType
}

// Receiver returns the receiver expression of a method call such as
// v.Get(), or nil when call is not a method call written as a selector.
func Receiver(call *ast.CallExpr) ast.Expr {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	return sel.X
}

// StripIndex returns e without its parentheses and without one index
// expression around it: F for (F), F[int], F[int, string] and (F[int]).
// The index is most often an instantiation's type arguments; callers look
// up what remains, which tells a function from a slice or map of them.
func StripIndex(e ast.Expr) ast.Expr {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.IndexExpr:
		e = ast.Unparen(x.X)
	case *ast.IndexListExpr:
		e = ast.Unparen(x.X)
	}
	return e
}

// VarObject returns the variable or field that expr names when expr is an
// identifier or a selector (requestID, pkg.RequestID, s.user), or nil when
// expr is any other expression. It is how analyzers tell which Var a call
// reads or sets; they stay silent where it returns nil.
func VarObject(info *types.Info, expr ast.Expr) *types.Var {
	switch e := ast.Unparen(expr).(type) {
	case *ast.Ident:
		v, _ := info.Uses[e].(*types.Var)
		return v
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[e]; ok {
			if sel.Kind() != types.FieldVal {
				return nil
			}
			v, _ := sel.Obj().(*types.Var)
			return v
		}
		v, _ := info.Uses[e.Sel].(*types.Var)
		return v
	}
	return nil
}
