package barego

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// goFix rewrites a go statement to call ctxvar.Spawn, keeping what the go
// statement evaluates on the spot (the function value, a method value's
// receiver, the arguments) evaluated on the spot, and otherwise writing
// what a programmer would:
//
//	go func() { ... }()       ->  ctxvar.Spawn(func() { ... })
//	go work()                 ->  ctxvar.Spawn(work)
//	go s.run()                ->  ctxvar.Spawn(s.run)   // the method value binds s now
//	go s.notify(o)            ->  ctxvar.Spawn(func() { s.notify(o) })  // s and o unchanged afterwards
//	go func(x int) { ... }(x) ->  ctxvar.Spawn(func() { ... })           // x unchanged afterwards
//	go send(next(), msg)      ->  m := next()
//	                              ctxvar.Spawn(func() { send(m, msg) })
//
// An operand is left in place when evaluating it in the new goroutine gives
// what the go statement gives (see stable); the others are bound to fresh
// variables first, named after the parameters they are passed to, in a
// block of their own where the names could clash with a goto or a label.
// It returns nil when it cannot keep the go statement's meaning or the name
// ctxvar is not free to use.
func (pa *pkgAnalysis) goFix(file *ast.File, c check, g *ast.GoStmt) *analysis.SuggestedFix {
	call := g.Call
	tv, ok := pa.info.Types[call.Fun]
	if !ok || tv.Type == nil {
		return nil
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok {
		return nil
	}
	name, importEdits, ok := pa.ctxvarName(file, g.Pos())
	if !ok {
		return nil
	}
	fix := &analysis.SuggestedFix{Message: "start the goroutine with " + name + ".Spawn"}
	finish := func(edits ...analysis.TextEdit) *analysis.SuggestedFix {
		fix.TextEdits = append(edits, importEdits...)
		return fix
	}

	// Spawn evaluates its argument at once, as the go statement
	// evaluates its function.
	if len(call.Args) == 0 && sig.Params().Len() == 0 && sig.Results().Len() == 0 && types.AssignableTo(tv.Type, funcType) {
		return finish(
			analysis.TextEdit{Pos: g.Pos(), End: call.Fun.Pos(), NewText: []byte(name + ".Spawn(")},
			analysis.TextEdit{Pos: call.Fun.End(), End: call.End(), NewText: []byte(")")})
	}
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok && pa.argsAreParams(lit, call, g) {
		return finish(
			analysis.TextEdit{Pos: g.Pos(), End: lit.Type.End(), NewText: []byte(name + ".Spawn(func()")},
			analysis.TextEdit{Pos: lit.End(), End: call.End(), NewText: []byte(")")})
	}

	if len(call.Args) == 1 {
		if _, multi := pa.info.TypeOf(call.Args[0]).(*types.Tuple); multi {
			return nil
		}
	}
	used := map[string]bool{name: true}
	ast.Inspect(g, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	scope := pa.pass.Pkg.Scope().Innermost(g.Pos())
	claimed := pa.claimed[scope]
	if claimed == nil {
		claimed = make(map[string]bool)
		pa.claimed[scope] = claimed
	}
	free := func(n string) bool {
		// The names the fixes of other go statements of the scope bind
		// are taken too: applied together, they must not clash.
		if used[n] || claimed[n] || n == "_" || !token.IsIdentifier(n) {
			return false
		}
		if scope != nil {
			if _, obj := scope.LookupParent(n, g.Pos()); obj != nil || scope.Lookup(n) != nil {
				return false
			}
		}
		return true
	}
	fresh := func(base string) string {
		for i := 0; ; i++ {
			n := base
			if i > 0 {
				n = base + strconv.Itoa(i)
			}
			if free(n) {
				used[n], claimed[n] = true, true
				return n
			}
		}
	}
	argNames := 0
	nextArg := func() string {
		for {
			n := "a" + strconv.Itoa(argNames)
			argNames++
			if free(n) {
				used[n], claimed[n] = true, true
				return n
			}
		}
	}

	// A piece of the call is an operand written in place, or the name of
	// the variable bound to it.
	type piece struct {
		node ast.Expr
		name string
	}
	var binds []piece // the bound operands, with their variables
	bind := func(e ast.Expr, name string) piece {
		binds = append(binds, piece{e, name})
		return piece{name: name}
	}
	fun := piece{node: call.Fun}
	if pa.funKind(call.Fun) != pureFun && !pa.stableFun(call.Fun, g) {
		fun = bind(call.Fun, fresh("f"))
	}
	var args []piece
	for i, arg := range call.Args {
		tv := pa.info.Types[arg]
		switch {
		case tv.Value != nil, tv.IsNil(), pa.funKind(arg) == pureFun, pa.stable(arg, g):
			// The same wherever evaluated.
			args = append(args, piece{node: arg})
		case tv.Type == nil || pa.mayBeUntyped(arg):
			// A fresh variable would take the default type, which the
			// parameter may not accept.
			return nil
		default:
			n := ""
			if p := paramFor(sig, i, call.Ellipsis.IsValid()); p != "" {
				n = fresh(p)
			} else {
				n = nextArg()
			}
			args = append(args, bind(arg, n))
		}
	}

	plain := pa.plainStmt(c.body, g)
	indent := pa.indent(g.Pos())
	inner := indent // of the Spawn statement
	if len(binds) > 0 && !plain {
		inner += "\t"
	}
	// The call goes on a line of its own, one tab in, when an operand
	// left in place spans lines.
	multiline := false
	for _, p := range append([]piece{fun}, args...) {
		if p.node != nil {
			text, ok := pa.source(p.node)
			if !ok {
				return nil
			}
			multiline = multiline || strings.Contains(text, "\n")
		}
	}
	callIndent, extra := "", ""
	if multiline {
		callIndent = inner + "\t"
		extra = callIndent[len(indent):]
	}
	text := func(p piece) (string, bool) {
		if p.node == nil {
			return p.name, true
		}
		return pa.reindented(p.node, extra)
	}
	callText, ok := text(fun)
	if !ok {
		return nil
	}
	callText += "("
	for i, p := range args {
		t, ok := text(p)
		if !ok {
			return nil
		}
		if i > 0 {
			callText += ", "
		}
		callText += t
	}
	if call.Ellipsis.IsValid() {
		callText += "..."
	}
	callText += ")"
	spawn := name + ".Spawn(func() { " + callText + " })"
	if multiline {
		spawn = name + ".Spawn(func() {\n" + callIndent + callText + "\n" + inner + "})"
	}

	if len(binds) == 0 {
		return finish(analysis.TextEdit{Pos: g.Pos(), End: g.End(), NewText: []byte(spawn)})
	}
	var lhs, rhs []string
	for _, b := range binds {
		t, ok := pa.reindented(b.node, inner[len(indent):])
		if !ok {
			return nil
		}
		lhs, rhs = append(lhs, b.name), append(rhs, t)
	}
	assign := strings.Join(lhs, ", ") + " := " + strings.Join(rhs, ", ")
	if plain {
		return finish(analysis.TextEdit{Pos: g.Pos(), End: g.End(), NewText: []byte(assign + "\n" + indent + spawn)})
	}
	// In a block, the Spawn statement keeps the comment at the end of the
	// go statement's line.
	end, comment := g.End(), ""
	if c := pa.trailingComment(file, g); c != nil {
		if t, ok := pa.source(c); ok {
			end, comment = c.End(), " "+t
		}
	}
	text2 := "{\n" + inner + assign + "\n" + inner + spawn + comment + "\n" + indent + "}"
	return finish(analysis.TextEdit{Pos: g.Pos(), End: end, NewText: []byte(text2)})
}

// funcType is func(), the type of Spawn's parameter.
var funcType = types.NewSignatureType(nil, nil, nil, nil, nil, false)

// paramFor returns the name of the parameter that argument i of a call of
// sig goes to, or "" when it has none or goes to a variadic parameter one
// of several.
func paramFor(sig *types.Signature, i int, ellipsis bool) string {
	params := sig.Params()
	if i >= params.Len() || sig.Variadic() && i == params.Len()-1 && !ellipsis {
		return ""
	}
	return params.At(i).Name()
}

// argsAreParams reports whether a call of a function literal passes each
// of its parameters a variable of the same name and type that the go
// statement g leaves unchanged, and the literal never changes the
// parameter: the literal may then read the variable itself.
func (pa *pkgAnalysis) argsAreParams(lit *ast.FuncLit, call *ast.CallExpr, g *ast.GoStmt) bool {
	sig, ok := pa.info.TypeOf(lit).(*types.Signature)
	if !ok || sig.Results().Len() > 0 || sig.Variadic() || call.Ellipsis.IsValid() {
		return false
	}
	params := sig.Params()
	if params.Len() != len(call.Args) {
		return false
	}
	for i, arg := range call.Args {
		p := params.At(i)
		id, ok := ast.Unparen(arg).(*ast.Ident)
		if !ok || id.Name != p.Name() {
			return false
		}
		v, ok := pa.info.Uses[id].(*types.Var)
		if !ok || !types.Identical(v.Type(), p.Type()) || !pa.stable(id, g) || !pa.funcValues().Unchanged(p, lit.Body) {
			return false
		}
	}
	return true
}

// stable reports whether evaluating e, an operand of the go statement g, in
// the new goroutine gives what evaluating it at g gives: a constant, a
// function, the address of a variable, a local variable (or parameter)
// that funcvals finds unchanged after g, an unexported package-level
// variable the package never assigns, or a field of such a struct
// variable reached through no pointer.
func (pa *pkgAnalysis) stable(e ast.Expr, g ast.Node) bool {
	e = ast.Unparen(e)
	if tv, ok := pa.info.Types[e]; ok && (tv.Value != nil || tv.IsNil()) {
		return true
	}
	if pa.funKind(e) == pureFun {
		return true
	}
	switch x := e.(type) {
	case *ast.Ident:
		v, ok := pa.info.Uses[x].(*types.Var)
		if !ok {
			return false
		}
		if packageLevel(v) {
			return pa.globalStable(v)
		}
		return pa.funcValues().Unchanged(v, g)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if _, ok := ast.Unparen(x.X).(*ast.CompositeLit); ok {
				return pa.stable(x.X, g)
			}
			return pa.variable(x.X)
		}
	case *ast.SelectorExpr:
		sel, ok := pa.info.Selections[x]
		if !ok {
			v, ok := pa.info.Uses[x.Sel].(*types.Var)
			return ok && pa.globalStable(v)
		}
		return sel.Kind() == types.FieldVal && !sel.Indirect() && pa.stable(x.X, g)
	case *ast.CompositeLit:
		// Evaluated once either way, later or not: its value depends on
		// its elements only.
		_, isStruct := typeUnder(pa.info.TypeOf(x)).(*types.Struct)
		for _, elt := range x.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if !isStruct && !pa.stable(kv.Key, g) {
					return false
				}
				elt = kv.Value
			}
			if !pa.stable(elt, g) {
				return false
			}
		}
		return true
	}
	return false
}

// globalStable reports whether v is a package-level variable of this
// package that no other package can assign and this one never does.
func (pa *pkgAnalysis) globalStable(v *types.Var) bool {
	return v.Pkg() == pa.pass.Pkg && !v.Exported() && !pa.written[v]
}

// variable reports whether e denotes a variable, or a field or array
// element of one reached through no pointer: its address is the same
// wherever it is taken.
func (pa *pkgAnalysis) variable(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, ok := pa.info.Uses[x].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		sel, ok := pa.info.Selections[x]
		if !ok {
			_, ok := pa.info.Uses[x.Sel].(*types.Var)
			return ok
		}
		return sel.Kind() == types.FieldVal && !sel.Indirect() && pa.variable(x.X)
	}
	return false
}

// stableFun reports whether the function a go statement calls is the same
// wherever it is evaluated: a method value whose receiver is stable, or
// whose pointer receiver is the address of a variable, or a stable func
// variable or field.
func (pa *pkgAnalysis) stableFun(fun ast.Expr, g ast.Node) bool {
	x, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		return pa.stable(fun, g)
	}
	sel, ok := pa.info.Selections[x]
	if !ok || sel.Kind() != types.MethodVal {
		return pa.stable(fun, g)
	}
	m, ok := sel.Obj().(*types.Func)
	if !ok {
		return false
	}
	operand, indirect := methodOperand(sel)
	switch {
	case indirect:
		return false // the receiver is copied, or reached, through a pointer
	case isPointerType(m.Signature().Recv().Type()) && !isPointerType(operand):
		return pa.variable(x.X) // x.M takes &x, the same anywhere
	}
	return pa.stable(x.X, g)
}

// methodOperand returns the type of the value a method value x.M takes
// its receiver from (x, or the embedded field of x that has M), and
// whether getting the receiver goes through a pointer: to reach an
// embedded field, or to copy the value of a method whose receiver is not
// a pointer. (Selection.Indirect says so also of a method of *T selected
// on a *T, Go issue 8353.)
func methodOperand(sel *types.Selection) (types.Type, bool) {
	t := sel.Recv()
	indirect := false
	idx := sel.Index()
	for _, i := range idx[:len(idx)-1] {
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t, indirect = p.Elem(), true
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok || i >= st.NumFields() {
			return t, true
		}
		t = st.Field(i).Type()
	}
	if m, ok := sel.Obj().(*types.Func); ok && isPointerType(t) && !isPointerType(m.Signature().Recv().Type()) {
		indirect = true
	}
	return t, indirect
}

// plainStmt reports whether g, a statement of body, may become several
// statements of body: it is not labeled, and body has no goto that could
// jump over the variables they declare.
func (pa *pkgAnalysis) plainStmt(body *ast.BlockStmt, g *ast.GoStmt) bool {
	if body == nil {
		return false
	}
	plain := true
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				plain = false
			}
		case *ast.LabeledStmt:
			if n.Stmt == g {
				plain = false
			}
		}
		return plain
	})
	return plain && pa.startsLine(g.Pos())
}

// startsLine reports whether only white space comes before pos on its
// line.
func (pa *pkgAnalysis) startsLine(pos token.Pos) bool {
	content, tf, ok := pa.file(pos)
	if !ok {
		return false
	}
	start := tf.Offset(tf.LineStart(tf.Line(pos)))
	return strings.TrimLeft(string(content[start:tf.Offset(pos)]), " \t") == ""
}

// trailingComment returns the comment that follows g on the line where g
// ends, with nothing but white space between them.
func (pa *pkgAnalysis) trailingComment(file *ast.File, g ast.Node) *ast.Comment {
	content, tf, ok := pa.file(g.End())
	if !ok {
		return nil
	}
	i, _ := slices.BinarySearchFunc(file.Comments, g.End(), func(cg *ast.CommentGroup, pos token.Pos) int {
		return cmp.Compare(cg.Pos(), pos)
	})
	if i == len(file.Comments) {
		return nil
	}
	c := file.Comments[i].List[0]
	if tf.Line(c.Pos()) != tf.Line(g.End()) || tf.Line(c.End()) != tf.Line(c.Pos()) {
		return nil
	}
	if strings.Trim(string(content[tf.Offset(g.End()):tf.Offset(c.Pos())]), " \t") != "" {
		return nil
	}
	return c
}

// reindented returns the text of n with extra inserted at the start of each
// of its lines but the first, except inside raw string literals.
func (pa *pkgAnalysis) reindented(n ast.Node, extra string) (string, bool) {
	text, ok := pa.source(n)
	if !ok || extra == "" || !strings.Contains(text, "\n") {
		return text, ok
	}
	var raw [][2]int // offsets in text of the raw strings that span lines
	ast.Inspect(n, func(m ast.Node) bool {
		if lit, ok := m.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, "`") && strings.Contains(lit.Value, "\n") {
			raw = append(raw, [2]int{int(lit.Pos() - n.Pos()), int(lit.End() - n.Pos())})
		}
		return true
	})
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		b.WriteByte(text[i])
		if text[i] == '\n' && !slices.ContainsFunc(raw, func(r [2]int) bool { return r[0] < i && i < r[1] }) {
			b.WriteString(extra)
		}
	}
	return b.String(), true
}

// wrapFix wraps a launcher's function argument with binder.
func (pa *pkgAnalysis) wrapFix(file *ast.File, arg ast.Expr, binder string) *analysis.SuggestedFix {
	name, importEdits, ok := pa.ctxvarName(file, arg.Pos())
	if !ok {
		return nil
	}
	edits := []analysis.TextEdit{
		{Pos: arg.Pos(), End: arg.Pos(), NewText: []byte(name + "." + binder + "(")},
		{Pos: arg.End(), End: arg.End(), NewText: []byte(")")},
	}
	return &analysis.SuggestedFix{
		Message:   "wrap the function with " + name + "." + binder,
		TextEdits: append(edits, importEdits...),
	}
}

type funKindValue int

const (
	otherFun    funKindValue = iota
	pureFun                  // evaluates to the same function anywhere: a literal, a function, a method expression
	methodValue              // x.M: evaluates x
)

// funKind classifies a function expression by what evaluating it does.
func (pa *pkgAnalysis) funKind(e ast.Expr) funKindValue {
	switch e := ast.Unparen(e).(type) {
	case *ast.FuncLit:
		return pureFun
	case *ast.Ident:
		if _, ok := pa.info.Uses[e].(*types.Func); ok {
			return pureFun
		}
	case *ast.SelectorExpr:
		sel, ok := pa.info.Selections[e]
		if !ok {
			if _, ok := pa.info.Uses[e.Sel].(*types.Func); ok {
				return pureFun
			}
			return otherFun
		}
		switch sel.Kind() {
		case types.MethodExpr:
			return pureFun
		case types.MethodVal:
			return methodValue
		}
	case *ast.IndexExpr:
		if pa.funKind(e.X) == pureFun {
			return pureFun
		}
	case *ast.IndexListExpr:
		if pa.funKind(e.X) == pureFun {
			return pureFun
		}
	}
	return otherFun
}

// mayBeUntyped reports whether a non-constant expression may be untyped
// before the call converts it to its parameter's type: a comparison, a
// shift of an untyped constant, or an operation on those. The type checker
// records such an argument with the parameter's type, so the recorded type
// cannot tell.
func (pa *pkgAnalysis) mayBeUntyped(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return pa.mayBeUntyped(e.X)
	case *ast.UnaryExpr:
		return pa.mayBeUntyped(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return true
		case token.SHL, token.SHR:
			return pa.info.Types[e.X].Value != nil || pa.mayBeUntyped(e.X)
		}
		return pa.mayBeUntyped(e.X) || pa.mayBeUntyped(e.Y)
	}
	return false
}

// ctxvarName returns the name by which code at pos in file can refer to the
// runtime package, with the edits that import it when the file does not. It
// fails when that name is shadowed at pos or taken by something else.
func (pa *pkgAnalysis) ctxvarName(file *ast.File, pos token.Pos) (string, []analysis.TextEdit, bool) {
	scope := pa.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		return "", nil, false
	}
	for _, imp := range file.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err != nil || path != ctxvarapi.Path {
			continue
		}
		name := "ctxvar"
		if imp.Name != nil {
			if imp.Name.Name == "_" || imp.Name.Name == "." {
				continue
			}
			name = imp.Name.Name
		}
		_, obj := scope.LookupParent(name, pos)
		pn, ok := obj.(*types.PkgName)
		if !ok || pn.Imported().Path() != ctxvarapi.Path {
			return "", nil, false
		}
		return name, nil, true
	}
	if _, obj := scope.LookupParent("ctxvar", pos); obj != nil {
		return "", nil, false
	}
	edits, ok := pa.importEdits(file)
	if !ok {
		return "", nil, false
	}
	return "ctxvar", edits, true
}

// importEdits add the runtime's import to file: to its last import
// declaration, which becomes a group if it was a single import, or after
// the package clause.
func (pa *pkgAnalysis) importEdits(file *ast.File) ([]analysis.TextEdit, bool) {
	spec := strconv.Quote(ctxvarapi.Path)
	insert := func(pos token.Pos, text string) analysis.TextEdit {
		return analysis.TextEdit{Pos: pos, End: pos, NewText: []byte(text)}
	}
	var last *ast.GenDecl
	for _, d := range file.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			last = gd
		}
	}
	switch {
	case last == nil:
		return []analysis.TextEdit{insert(file.Name.End(), "\n\nimport "+spec)}, true
	case !last.Lparen.IsValid():
		only := last.Specs[0]
		return []analysis.TextEdit{insert(only.Pos(), "(\n\t"), insert(only.End(), "\n\t"+spec+"\n)")}, true
	}
	content, tf, ok := pa.file(last.Rparen)
	if !ok {
		return nil, false
	}
	lineStart := tf.Offset(tf.LineStart(tf.Line(last.Rparen)))
	if strings.TrimSpace(string(content[lineStart:tf.Offset(last.Rparen)])) == "" {
		return []analysis.TextEdit{insert(last.Rparen, "\t"+spec+"\n")}, true
	}
	return []analysis.TextEdit{insert(last.Rparen, "; "+spec)}, true
}

// source returns the text of n as written.
func (pa *pkgAnalysis) source(n ast.Node) (string, bool) {
	content, tf, ok := pa.file(n.Pos())
	if !ok {
		return "", false
	}
	start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
	if end > len(content) || start > end {
		return "", false
	}
	return string(content[start:end]), true
}

// indent returns the white space that starts the line of pos.
func (pa *pkgAnalysis) indent(pos token.Pos) string {
	content, tf, ok := pa.file(pos)
	if !ok {
		return ""
	}
	start := tf.Offset(tf.LineStart(tf.Line(pos)))
	end := start
	for end < len(content) && (content[end] == ' ' || content[end] == '\t') {
		end++
	}
	return string(content[start:end])
}

func (pa *pkgAnalysis) file(pos token.Pos) ([]byte, *token.File, bool) {
	tf := pa.pass.Fset.File(pos)
	if tf == nil {
		return nil, nil, false
	}
	content, ok := pa.content[tf.Name()]
	if !ok {
		var err error
		content, err = pa.pass.ReadFile(tf.Name())
		if err != nil || len(content) != tf.Size() {
			content = nil
		}
		pa.content[tf.Name()] = content
	}
	return content, tf, content != nil
}
