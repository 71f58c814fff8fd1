// Package funcvals tells which functions a func-valued expression may
// denote where it is evaluated, following the local variables of the
// function it is in, and whether a local variable keeps its value from a
// point of its function on.
//
// Go code seldom starts a goroutine or calls a callback with the function
// written in place: it stores it first,
//
//	work := func() { ... }
//	if verbose {
//		work = s.logged
//	}
//	go work()
//
// or keeps it in a struct or slice literal,
//
//	h := handlers{start: s.start, stop: stop}
//	for _, task := range []func(){setup, serve} {
//		g.Go(task)
//	}
//
// A Resolver answers for such expressions from the syntax and types of one
// package: Values lists the functions a func-valued expression may denote
// where it is evaluated, and Unchanged tells whether the code that runs
// after a point of a function sees a local variable as it was at that
// point. Both look at one function declaration (or package-level function
// literal) at a time, with the function literals in it, and analyze it
// once, when first asked. They follow no calls and no other declaration:
// what they cannot tell, they say they cannot.
package funcvals

import (
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"slices"
)

// A Kind tells what made a Value.
type Kind uint8

const (
	// Nil is the zero value of a func type: the value of a variable
	// declared without one, nil, or an absent field or element of a
	// literal. Calling it panics.
	Nil Kind = iota

	// Lit is a function literal: Value.Lit.
	Lit

	// Func is a declared function, or an instantiation of a generic one:
	// Value.Func.
	Func

	// Method is a method value x.M: Value.Func is the method as selected
	// (of an interface, for a method value of an interface type), and
	// Value.Recv is x, evaluated where the value was made.
	Method

	// MethodExpr is a method expression T.M or (*T).M: Value.Func is
	// the method, and a call passes the receiver as its first argument.
	MethodExpr
)

func (k Kind) String() string {
	switch k {
	case Nil:
		return "nil"
	case Lit:
		return "func literal"
	case Func:
		return "func"
	case Method:
		return "method value"
	case MethodExpr:
		return "method expression"
	}
	return "unknown"
}

// A Value is a function that a func-valued expression may denote.
type Value struct {
	Kind Kind

	// Expr is the expression that makes the value, as written: a function
	// literal, a function's name (perhaps instantiated, fn[int]), a
	// selector, nil. It is nil for the zero value of a variable declared
	// without a value, or of a field or element that a literal leaves out.
	Expr ast.Expr

	Lit  *ast.FuncLit // Kind Lit
	Func *types.Func  // Kind Func, Method and MethodExpr: as selected; compare Origin()s
	Recv ast.Expr     // Kind Method: the receiver
}

// A Resolver answers for the functions of one type-checked package. It is
// not safe for concurrent use.
type Resolver struct {
	info  *types.Info
	files []*ast.File // by position
	roots map[ast.Node]*root
	busy  map[*ast.Ident]bool // the uses being resolved: a cycle adds nothing
}

// New returns a Resolver for the package whose syntax is files and whose
// type information is info, which must hold Defs, Uses, Types and
// Selections (and FileVersions, for Unchanged inside loops).
func New(info *types.Info, files []*ast.File) *Resolver {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b *ast.File) int { return int(a.FileStart) - int(b.FileStart) })
	return &Resolver{info: info, files: files, roots: make(map[ast.Node]*root), busy: make(map[*ast.Ident]bool)}
}

// maxDepth bounds how many expressions Values follows from the one it is
// given: a variable assigned from a variable assigned from ... .
const maxDepth = 12

// Values returns the functions that e, an expression of func type, may
// denote when it is evaluated, in the order of the source, with ok set;
// or ok unset when funcvals cannot tell, or the list would be empty (e is
// then in code that never runs). A list may hold a Nil value.
//
// e may be written as
//
//   - a function literal, a function's or method's name, a method value
//     x.M, a method expression T.M, nil, or a conversion of one of these
//     (task(f)): its own value;
//   - a local variable: the values of the assignments that may reach e,
//     through the function's control flow, when e is in the function that
//     declares the variable; all of its assignments when e is in a
//     function literal that captures it. A variable declared without a
//     value holds Nil first. funcvals cannot tell when the variable is a
//     parameter or a named result, has its address taken, is assigned in
//     a function literal (which may run at any time), or is assigned
//     anything it cannot tell in turn (a call's result, a parameter, a
//     package-level variable, a map element, a channel receive, one of
//     several results of a call);
//   - a field of a local variable that holds a struct literal (or its
//     address), h.run, or an element of one that holds a slice or array
//     literal, tasks[i] (every element for an index that is not
//     constant), or a variable that ranges over such a literal: the
//     literal's values, Nil for those it leaves out. The variable must be
//     assigned nowhere else, never have its address taken, its fields or
//     elements assigned, a method called or a slice taken; when it holds a
//     pointer or a slice, which other code could share, it must be used
//     only to read a field or an element, to range over, or in len or
//     cap.
//
// Anything else, such as a package-level variable, a call's result or a
// map element, cannot be told.
func (r *Resolver) Values(e ast.Expr) ([]Value, bool) {
	vals, ok := r.values(e, 0)
	if !ok || len(vals) == 0 {
		return nil, false
	}
	return vals, true
}

func (r *Resolver) values(e ast.Expr, depth int) ([]Value, bool) {
	if depth > maxDepth {
		return nil, false
	}
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.FuncLit:
		return []Value{{Kind: Lit, Expr: e, Lit: x}}, true
	case *ast.Ident:
		switch obj := r.info.Uses[x].(type) {
		case *types.Func:
			return []Value{{Kind: Func, Expr: e, Func: obj}}, true
		case *types.Nil:
			return []Value{{Kind: Nil, Expr: e}}, true
		case *types.Var:
			return r.varValues(obj, x, depth)
		}
	case *ast.SelectorExpr:
		sel, ok := r.info.Selections[x]
		if !ok { // a qualified identifier
			if fn, ok := r.info.Uses[x.Sel].(*types.Func); ok {
				return []Value{{Kind: Func, Expr: e, Func: fn}}, true
			}
			return nil, false
		}
		fn, _ := sel.Obj().(*types.Func)
		switch sel.Kind() {
		case types.MethodVal:
			return []Value{{Kind: Method, Expr: e, Func: fn, Recv: x.X}}, true
		case types.MethodExpr:
			return []Value{{Kind: MethodExpr, Expr: e, Func: fn}}, true
		case types.FieldVal:
			field, _ := sel.Obj().(*types.Var)
			if len(sel.Index()) != 1 || field == nil {
				return nil, false // a promoted field: its struct is elsewhere
			}
			lit := r.composite(x.X)
			if lit == nil {
				return nil, false
			}
			return r.fieldValues(lit, field, depth)
		}
	case *ast.IndexExpr:
		if fn := r.instantiated(x.X); fn != nil {
			return []Value{{Kind: Func, Expr: e, Func: fn}}, true
		}
		lit := r.composite(x.X)
		if lit == nil {
			return nil, false
		}
		return r.elementValues(lit, x.Index, depth)
	case *ast.IndexListExpr:
		if fn := r.instantiated(x.X); fn != nil {
			return []Value{{Kind: Func, Expr: e, Func: fn}}, true
		}
	case *ast.CallExpr:
		// A conversion to a func type denotes the function converted.
		if tv, ok := r.info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return r.values(x.Args[0], depth+1)
		}
	}
	return nil, false
}

// instantiated returns the generic function that e, the operand of an
// index expression, names, or nil.
func (r *Resolver) instantiated(e ast.Expr) *types.Func {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		fn, _ := r.info.Uses[x].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		if _, ok := r.info.Selections[x]; !ok {
			fn, _ := r.info.Uses[x.Sel].(*types.Func)
			return fn
		}
	}
	return nil
}

// varValues returns the values of local variable v where use reads it.
func (r *Resolver) varValues(v *types.Var, use *ast.Ident, depth int) ([]Value, bool) {
	rt := r.rootAt(use.Pos())
	if rt == nil {
		return nil, false
	}
	l := rt.vars[v]
	if l == nil || l.role != declared || l.escaped {
		return nil, false
	}
	for _, d := range l.defs {
		if d.fn != l.fn {
			return nil, false // assigned in a function literal, which may run at any time
		}
	}
	if r.busy[use] {
		return nil, true // a cycle of assignments: the values come from elsewhere
	}
	r.busy[use] = true
	defer delete(r.busy, use)

	reach := l.defs
	if len(l.defs) > 1 && rt.funcAt(use.Pos()) == l.fn {
		var ok bool
		if reach, ok = rt.reaching(l, use); !ok {
			return nil, false
		}
	}
	var vals []Value
	for _, d := range reach {
		var dv []Value
		ok := true
		switch {
		case d.zero:
			dv = []Value{{Kind: Nil}}
		case d.over != nil:
			lit := r.composite(d.over)
			if lit == nil {
				return nil, false
			}
			dv, ok = r.elementValues(lit, nil, depth)
		case d.rhs == nil:
			return nil, false
		default:
			dv, ok = r.values(d.rhs, depth+1)
		}
		if !ok {
			return nil, false
		}
		vals = appendValues(vals, dv)
	}
	return vals, true
}

// appendValues appends the values of add that vals lacks.
func appendValues(vals, add []Value) []Value {
	for _, a := range add {
		if !slices.Contains(vals, a) {
			vals = append(vals, a)
		}
	}
	return vals
}

// composite returns the composite literal that e, a local variable or a
// literal, surely holds wherever it is read, or nil.
func (r *Resolver) composite(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if lit, ok := e.(*ast.CompositeLit); ok {
		return lit
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := r.info.Uses[id].(*types.Var)
	if !ok {
		return nil
	}
	rt := r.rootAt(id.Pos())
	if rt == nil {
		return nil
	}
	l := rt.vars[v]
	if l == nil || l.role != declared || len(l.defs) != 1 || !l.defs[0].decl || l.escaped || l.touched || len(l.mods) > 0 {
		return nil
	}
	rhs := ast.Unparen(l.defs[0].rhs)
	if u, ok := rhs.(*ast.UnaryExpr); ok && u.Op == token.AND {
		rhs = ast.Unparen(u.X)
	}
	lit, ok := rhs.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	switch v.Type().Underlying().(type) {
	case *types.Pointer, *types.Slice:
		// Other code may share what the variable points to.
		if l.uses != l.readUses {
			return nil
		}
	case *types.Struct, *types.Array:
	default:
		return nil
	}
	return lit
}

// fieldValues returns the values of field in a struct literal.
func (r *Resolver) fieldValues(lit *ast.CompositeLit, field *types.Var, depth int) ([]Value, bool) {
	tv, ok := r.info.Types[lit]
	if !ok {
		return nil, false
	}
	t := tv.Type.Underlying()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem().Underlying()
	}
	st, ok := t.(*types.Struct)
	if !ok {
		return nil, false
	}
	field = field.Origin()
	for i, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if key, ok := kv.Key.(*ast.Ident); ok {
				if f, ok := r.info.Uses[key].(*types.Var); ok && f.Origin() == field {
					return r.values(kv.Value, depth+1)
				}
			}
			continue
		}
		if i < st.NumFields() && st.Field(i).Origin() == field {
			return r.values(elt, depth+1)
		}
	}
	return []Value{{Kind: Nil}}, true
}

// elementValues returns the values of the element of a slice or array
// literal at index, or of every element when index is nil or not
// constant.
func (r *Resolver) elementValues(lit *ast.CompositeLit, index ast.Expr, depth int) ([]Value, bool) {
	tv, ok := r.info.Types[lit]
	if !ok {
		return nil, false
	}
	length := int64(-1) // a slice's
	switch t := tv.Type.Underlying().(type) {
	case *types.Array:
		length = t.Len()
	case *types.Slice:
	default:
		return nil, false
	}
	want := int64(-1)
	if index != nil {
		if k, ok := r.constIndex(index); ok {
			want = k
		}
	}
	var vals []Value
	next, count, top := int64(0), int64(0), int64(0)
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			k, ok := r.constIndex(kv.Key)
			if !ok {
				return nil, false
			}
			next, elt = k, kv.Value
		}
		i := next
		next++
		count++
		top = max(top, next)
		if want >= 0 && i != want {
			continue
		}
		ev, ok := r.values(elt, depth+1)
		if !ok {
			return nil, false
		}
		vals = appendValues(vals, ev)
		if want >= 0 {
			return vals, true
		}
	}
	// The elements a literal leaves out are nil; so is an index past the
	// end of a slice, which panics.
	if want >= 0 || count < top || length > top {
		vals = appendValues(vals, []Value{{Kind: Nil}})
	}
	return vals, true
}

func (r *Resolver) constIndex(e ast.Expr) (int64, bool) {
	tv, ok := r.info.Types[e]
	if !ok || tv.Value == nil {
		return 0, false
	}
	k, ok := constInt64(tv)
	return k, ok && k >= 0
}

// Unchanged reports whether every read of the local variable v by code
// that runs after the node at (a statement of v's function, or of a
// function literal in it) sees the value v holds when at runs: whether
// an evaluation of v there and one anywhere later agree. That holds when
// nothing may assign v, or a field or an array element of it, after at,
// and v's address is never taken (explicitly, by a method with a pointer
// receiver called on it, or by slicing an array), so no pointer can
// change it either:
//
//   - no assignment to v comes after at in the source, or in at itself,
//     or in a function literal (which may run at any time);
//   - no assignment before at is in a loop around at of which v is not a
//     variable of its own for each iteration (one declared in the loop's
//     body, or, from Go 1.22 on, in its header);
//   - where at is in a function literal that captures v, or in a
//     function with a goto statement, nothing assigns v but its
//     declaration;
//   - v is not a named result, which a return statement assigns.
//
// Unchanged is false for variables it does not know: package-level
// variables, and those of other functions.
func (r *Resolver) Unchanged(v *types.Var, at ast.Node) bool {
	rt := r.rootAt(at.Pos())
	if rt == nil {
		return false
	}
	l := rt.vars[v]
	if l == nil || l.role == result || l.escaped {
		return false
	}
	fn := rt.funcs[l.fn]
	if h := rt.headers[v]; h != nil && !rt.perIteration(r.info) && encloses(h, at.Pos()) {
		return false // before Go 1.22, each iteration assigns the same variable
	}
	if len(l.mods) == 0 {
		return true
	}
	if rt.funcAt(at.Pos()) != l.fn || fn.gotos {
		return false
	}
	for _, m := range l.mods {
		if m.fn != l.fn || m.pos >= at.Pos() {
			return false
		}
		for _, loop := range fn.loops {
			if encloses(loop, at.Pos()) && encloses(loop, m.pos) && !encloses(loop, v.Pos()) {
				return false
			}
		}
	}
	return true
}

func encloses(n ast.Node, pos token.Pos) bool { return n.Pos() <= pos && pos < n.End() }

// role tells how a local variable is declared.
type role uint8

const (
	declared role = iota // by a statement: var, :=, range
	param                // a parameter or receiver
	result               // a named result
)

// A root is a function declaration, or a package-level function literal,
// with the function literals in it.
type root struct {
	file    *ast.File
	funcs   []*fnode // the root, then its literals, in preorder
	vars    map[*types.Var]*local
	headers map[*types.Var]ast.Stmt // the for or range statement whose header declares a variable
	safe    map[*ast.Ident]bool     // uses that only read a field or element, range, or take len or cap
}

// An fnode is a function of a root.
type fnode struct {
	node  ast.Node // *ast.FuncDecl or *ast.FuncLit
	body  *ast.BlockStmt
	gotos bool       // it has a goto statement
	loops []ast.Stmt // the for and range statements in it (not in its literals)
	graph *graph     // its control-flow graph, built when first needed
}

// A local is what a root does with one of its local variables.
type local struct {
	fn       int // the function that declares it, in root.funcs
	role     role
	defs     []*def
	mods     []mod // what changes it after its declaration: assignments, to it or to its fields or array elements
	escaped  bool  // its address is taken
	touched  bool  // it is at the base of an assignment, an address, a method value or a slice expression, through pointers too
	uses     int   // identifiers that use it
	readUses int   // those in root.safe
}

// A def is an assignment of a whole local variable.
type def struct {
	node ast.Node // the CFG node: an *ast.AssignStmt, an *ast.ValueSpec, or a range statement's key or value
	rhs  ast.Expr // the value assigned; nil when unknown
	zero bool     // a declaration without a value
	over ast.Expr // a range statement's value variable: what it ranges over
	fn   int      // the function it is in
	decl bool     // the variable's declaration
}

// A mod is a change of a local variable after its declaration.
type mod struct {
	pos token.Pos
	fn  int
}

// rootAt returns the root that holds pos, analyzing it when first asked,
// or nil when pos is in no function.
func (r *Resolver) rootAt(pos token.Pos) *root {
	i, found := slices.BinarySearchFunc(r.files, pos, func(f *ast.File, pos token.Pos) int {
		switch {
		case f.FileEnd < pos:
			return -1
		case f.FileStart > pos:
			return 1
		}
		return 0
	})
	if !found {
		return nil
	}
	file := r.files[i]
	j, found := slices.BinarySearchFunc(file.Decls, pos, func(d ast.Decl, pos token.Pos) int {
		switch {
		case d.End() <= pos:
			return -1
		case d.Pos() > pos:
			return 1
		}
		return 0
	})
	if !found {
		return nil
	}
	var node ast.Node
	switch d := file.Decls[j].(type) {
	case *ast.FuncDecl:
		if d.Body == nil {
			return nil
		}
		node = d
	case *ast.GenDecl:
		ast.Inspect(d, func(n ast.Node) bool {
			if node != nil {
				return false
			}
			if lit, ok := n.(*ast.FuncLit); ok && encloses(lit, pos) {
				node = lit
				return false
			}
			return n == nil || encloses(n, pos)
		})
		if node == nil {
			return nil
		}
	}
	if rt, ok := r.roots[node]; ok {
		return rt
	}
	rt := &root{file: file, vars: make(map[*types.Var]*local), headers: make(map[*types.Var]ast.Stmt), safe: make(map[*ast.Ident]bool)}
	r.build(rt, node)
	r.roots[node] = rt
	return rt
}

// funcAt returns the innermost function of rt that holds pos.
func (rt *root) funcAt(pos token.Pos) int {
	in := 0
	for i, fn := range rt.funcs {
		if encloses(fn.node, pos) {
			in = i // preorder: a later function that holds pos is inside
		}
	}
	return in
}

// perIteration reports whether the file's loops declare a variable per
// iteration (Go 1.22 on).
func (rt *root) perIteration(info *types.Info) bool {
	v := info.FileVersions[rt.file]
	return v != "" && version.Compare(v, "go1.22") >= 0
}
