package barego

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// goFix rewrites a go statement to call ctxvar.Spawn, keeping what the go
// statement evaluates on the spot (the function value, a method value's
// receiver, the arguments) evaluated on the spot:
//
//	go func() { ... }()  ->  ctxvar.Spawn(func() { ... })
//	go work()            ->  ctxvar.Spawn(work)
//	go s.run()           ->  ctxvar.Spawn(s.run)   // the method value binds s now
//	go f(x, 1)           ->  { a0 := x; ctxvar.Spawn(func() { f(a0, 1) }) }
//
// It returns nil when it cannot keep that meaning or the name ctxvar is not
// free to use.
func (pa *pkgAnalysis) goFix(file *ast.File, g *ast.GoStmt) *analysis.SuggestedFix {
	call := g.Call
	tv, ok := pa.info.Types[call.Fun]
	if !ok || tv.Type == nil {
		return nil
	}
	sig, ok := tv.Type.Underlying().(*types.Signature)
	if !ok {
		return nil
	}
	kind := pa.funKind(call.Fun)
	if kind == otherFun {
		return nil
	}
	name, importEdits, ok := pa.ctxvarName(file, g.Pos())
	if !ok {
		return nil
	}
	fix := &analysis.SuggestedFix{Message: "start the goroutine with " + name + ".Spawn"}

	if len(call.Args) == 0 && sig.Params().Len() == 0 && sig.Results().Len() == 0 {
		fix.TextEdits = []analysis.TextEdit{
			{Pos: g.Pos(), End: call.Fun.Pos(), NewText: []byte(name + ".Spawn(")},
			{Pos: call.Fun.End(), End: call.End(), NewText: []byte(")")},
		}
		fix.TextEdits = append(fix.TextEdits, importEdits...)
		return fix
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
	fresh := func(base string) string {
		for i := 0; ; i++ {
			n := base
			if i > 0 {
				n = base + strconv.Itoa(i)
			}
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	var lhs, rhs []string
	bind := func(name, text string) string {
		lhs, rhs = append(lhs, name), append(rhs, text)
		return name
	}
	argNames := 0
	nextArg := func() string {
		for {
			n := "a" + strconv.Itoa(argNames)
			argNames++
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}

	funText, ok := pa.source(call.Fun)
	if !ok {
		return nil
	}
	if kind == methodValue {
		funText = bind(fresh("f"), funText)
	}
	var args []string
	for _, arg := range call.Args {
		text, ok := pa.source(arg)
		if !ok {
			return nil
		}
		tv := pa.info.Types[arg]
		switch {
		case tv.Value != nil, tv.IsNil(), pa.funKind(arg) == pureFun:
			// Constants, nil and functions are the same wherever evaluated.
		case tv.Type == nil || pa.mayBeUntyped(arg):
			// A fresh variable would take the default type, which the
			// parameter may not accept.
			return nil
		default:
			text = bind(nextArg(), text)
		}
		args = append(args, text)
	}
	callText := funText + "(" + strings.Join(args, ", ")
	if call.Ellipsis.IsValid() {
		callText += "..."
	}
	callText += ")"
	spawn := name + ".Spawn(func() { " + callText + " })"

	text := spawn
	if len(lhs) > 0 {
		indent := pa.indent(g.Pos())
		text = fmt.Sprintf("{\n%s\t%s := %s\n%s\t%s\n%s}",
			indent, strings.Join(lhs, ", "), strings.Join(rhs, ", "), indent, spawn, indent)
	}
	fix.TextEdits = append([]analysis.TextEdit{{Pos: g.Pos(), End: g.End(), NewText: []byte(text)}}, importEdits...)
	return fix
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
