package removedapi

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports calls of the removed ctxvar API and of Python names that
// have another name in Go, with the replacement. It runs on packages that do
// not type-check, which is what such calls make of them.
var Analyzer = &analysis.Analyzer{
	Name:             "removedapi",
	Doc:              docs.MustExtract(doc, "removedapi"),
	URL:              "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/removedapi",
	Requires:         []*analysis.Analyzer{reach.Analyzer},
	RunDespiteErrors: true,
	Run:              guard.Run(run),
}

type checker struct {
	pass *analysis.Pass
	api  *ctxvarapi.API
	r    *report.Reporter
	// qualifiers caches, per file, the identifiers that refer to each
	// imported package.
	qualifiers map[*ast.File]map[*types.PkgName][]*ast.Ident
}

func run(pass *analysis.Pass, at *guard.Position) (any, error) {
	api := pass.ResultOf[reach.Analyzer].(reach.Result).API
	// Every name and call shape the analyzer reports is one that does not
	// type-check: a package without type errors has none, and costs
	// nothing more.
	if api == nil || api.VarType == nil || api.ContextType == nil || len(pass.TypeErrors) == 0 {
		return nil, nil
	}
	c := &checker{pass: pass, api: api, r: report.New(pass), qualifiers: make(map[*ast.File]map[*types.PkgName][]*ast.Ident)}
	insp := inspector.New(pass.Files)
	for file := range insp.Root().Preorder((*ast.File)(nil)) {
		c.checkFile(file, at)
	}
	return nil, nil
}

func (c *checker) checkFile(file inspector.Cursor, at *guard.Position) {
	// Fixes that remove a call may leave the runtime's import unused; they
	// remove it too when no other use of it remains, which needs the
	// whole file's findings first.
	var found []finding
	filter := []ast.Node{(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.SelectorExpr)(nil)}
	for cur := range file.Preorder(filter...) {
		switch n := cur.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			at.At(n.Pos())
		case *ast.SelectorExpr:
			if n.Sel == nil {
				continue
			}
			if f, ok := c.qualified(cur, n); ok {
				found = append(found, f)
			} else if f, ok := c.method(cur, n); ok {
				found = append(found, f)
			}
		}
	}
	if len(found) == 0 {
		return
	}
	// A call whose diagnostic is suppressed stays, and so must its import.
	removable := make(map[*ast.Ident]bool)
	for _, f := range found {
		if f.removesCall && !c.r.Suppressed(f.node.Pos()) {
			removable[f.qualifier] = true
		}
	}
	for _, f := range found {
		d := analysis.Diagnostic{Pos: f.node.Pos(), End: f.node.End(), Message: f.message}
		if f.fix != nil {
			fix := *f.fix
			if f.removesCall {
				fix.TextEdits = append(fix.TextEdits, c.unusedImport(file.Node().(*ast.File), f.qualifier, removable)...)
			}
			d.SuggestedFixes = []analysis.SuggestedFix{fix}
		}
		c.r.Report(d)
	}
}

// A finding is one misused name, with its fix if there is a mechanical one.
type finding struct {
	node    ast.Node // what the diagnostic covers: the call, or the selector
	message string
	fix     *analysis.SuggestedFix
	// removesCall is set when the fix deletes a package-qualified call,
	// whose qualifier is then one use fewer of the import.
	removesCall bool
	qualifier   *ast.Ident
}

// callOf returns the call whose function is sel (possibly instantiated, as
// in ctxvar.NewVar[string](...)) and its cursor, or nil when sel is not
// called.
func callOf(sel inspector.Cursor) (call *ast.CallExpr, cur inspector.Cursor, instantiated *ast.IndexExpr) {
	cur = sel
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	if cur.ParentEdgeKind() == edge.IndexExpr_X {
		instantiated = cur.Parent().Node().(*ast.IndexExpr)
		cur = cur.Parent()
	}
	if cur.ParentEdgeKind() != edge.CallExpr_Fun {
		return nil, inspector.Cursor{}, nil
	}
	cur = cur.Parent()
	return cur.Node().(*ast.CallExpr), cur, instantiated
}

// qualified reports a package-qualified name that the runtime does not
// have: ctxvar.EnableInherit, ctxvar.CopyContext and the like. The
// qualifier must name an import of the runtime; the name is matched only
// when the runtime has no such member.
func (c *checker) qualified(cur inspector.Cursor, sel *ast.SelectorExpr) (finding, bool) {
	info := c.pass.TypesInfo
	qual, ok := sel.X.(*ast.Ident)
	if !ok {
		return finding{}, false
	}
	pkgName, ok := info.Uses[qual].(*types.PkgName)
	if !ok || pkgName.Imported().Path() != ctxvarapi.Path {
		return finding{}, false
	}
	name := sel.Sel.Name
	if info.Uses[sel.Sel] != nil {
		return finding{}, false
	}
	if obj := pkgName.Imported().Scope().Lookup(name); obj != nil && obj.Exported() {
		return finding{}, false
	}
	q := qual.Name
	call, callCur, inst := callOf(cur)
	f := finding{node: sel, qualifier: qual}
	if call != nil {
		f.node = call
	}
	switch name {
	case "EnableInherit":
		f.message = fmt.Sprintf("%s.EnableInherit was removed, as aiocontextvars 0.2 removed enable_inherit: "+
			"%s.Spawn always starts a goroutine in a copy of the caller's Context, so there is nothing to enable; "+
			"delete the call and start goroutines that need the caller's values with %s.Spawn", q, q, q)
		c.removeCall(callCur, call, &f)
	case "DisableInherit":
		f.message = fmt.Sprintf("%s.DisableInherit was removed, as aiocontextvars 0.2 removed disable_inherit: "+
			"a goroutine started with a bare go statement already starts with an empty Context, and %s.Spawn always copies it; "+
			"delete the call and start goroutines that must not inherit with go", q, q)
		c.removeCall(callCur, call, &f)
	case "CopyContext", "copy_context":
		f.message = fmt.Sprintf("%s.%s does not exist: Python's contextvars.copy_context() is %s.Copy() in Go", q, name, q)
		if call != nil && inst == nil && len(call.Args) == 0 {
			f.fix = rename(sel.Sel, "Copy")
		}
	case "ContextVar", "NewVar":
		f.message = fmt.Sprintf("%s.%s does not exist: Python's contextvars.ContextVar(name) is %s.New[T](name) in Go, "+
			"and ContextVar(name, default=d) is %s.New(name, %s.Default(d))", q, name, q, q, q)
		if call != nil && c.newCompiles(call, inst) {
			f.fix = rename(sel.Sel, "New")
		}
	case "Run", "run":
		f.message = fmt.Sprintf("%s.%s does not exist: Python's contextvars.copy_context().run(fn) is %s.Copy().Run(fn) in Go, "+
			"which runs fn in a copy of the current Context", q, name, q)
		if call != nil && inst == nil && c.takesFunc(call) {
			f.fix = rename(sel.Sel, "Copy().Run")
		}
	case "Go":
		f.message = fmt.Sprintf("%s.Go does not exist: start a goroutine in a copy of the caller's Context with %s.Spawn(fn)", q, q)
		if call != nil && inst == nil && c.takesFunc(call) {
			f.fix = rename(sel.Sel, "Spawn")
		}
	case "Get":
		f.message = fmt.Sprintf("%s.Get does not exist: ctxvar has no string-keyed store like aiotask-context's context.get(key); "+
			"declare a Var per key at package level, as key = %s.New[T](\"key\"), and call key.Get()", q, q)
	case "Set":
		f.message = fmt.Sprintf("%s.Set does not exist: ctxvar has no string-keyed store like aiotask-context's context.set(key, value); "+
			"declare a Var per key at package level, as key = %s.New[T](\"key\"), and call key.Set(value)", q, q)
	default:
		return finding{}, false
	}
	return f, true
}

// removeCall offers to delete an inherit switch when it is a statement of
// its own without arguments (whose variables would become unused).
func (c *checker) removeCall(callCur inspector.Cursor, call *ast.CallExpr, f *finding) {
	if call == nil || len(call.Args) > 0 || callCur.ParentEdgeKind() != edge.ExprStmt_X {
		return
	}
	stmt := callCur.Parent()
	switch stmt.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
	default:
		return
	}
	edits, ok := c.deleteLines(stmt.Node().Pos(), stmt.Node().End())
	if !ok {
		return
	}
	f.fix = &analysis.SuggestedFix{Message: "Delete the call", TextEdits: edits}
	f.removesCall = true
}

// unusedImport returns the edit that deletes the import of the runtime that
// qual refers to, when every use of it in file is the qualifier of a call
// that the fixes delete.
func (c *checker) unusedImport(file *ast.File, qual *ast.Ident, removable map[*ast.Ident]bool) []analysis.TextEdit {
	pkgName, _ := c.pass.TypesInfo.Uses[qual].(*types.PkgName)
	if pkgName == nil {
		return nil
	}
	uses, ok := c.qualifiers[file]
	if !ok {
		uses = make(map[*types.PkgName][]*ast.Ident)
		ast.Inspect(file, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if pn, ok := c.pass.TypesInfo.Uses[id].(*types.PkgName); ok {
					uses[pn] = append(uses[pn], id)
				}
			}
			return true
		})
		c.qualifiers[file] = uses
	}
	for _, id := range uses[pkgName] {
		if !removable[id] {
			return nil
		}
	}
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.IMPORT {
			continue
		}
		for _, spec := range gen.Specs {
			imp := spec.(*ast.ImportSpec)
			if c.pass.TypesInfo.PkgNameOf(imp) != pkgName {
				continue
			}
			var edits []analysis.TextEdit
			if len(gen.Specs) == 1 {
				edits, ok = c.deleteLines(gen.Pos(), gen.End())
			} else {
				edits, ok = c.deleteLines(imp.Pos(), imp.End())
			}
			if !ok {
				return nil
			}
			return edits
		}
	}
	return nil
}

// deleteLines returns the edit that deletes the source from pos to end,
// together with its line when nothing else stands on it.
func (c *checker) deleteLines(pos, end token.Pos) ([]analysis.TextEdit, bool) {
	tf := c.pass.Fset.File(pos)
	if tf == nil || c.pass.Fset.File(end) != tf {
		return nil, false
	}
	src, err := c.pass.ReadFile(tf.Name())
	if err != nil || tf.Size() != len(src) {
		return nil, false
	}
	start, stop := tf.Offset(pos), tf.Offset(end)
	lineStart := start
	for lineStart > 0 && (src[lineStart-1] == ' ' || src[lineStart-1] == '\t') {
		lineStart--
	}
	lineEnd := stop
	for lineEnd < len(src) && (src[lineEnd] == ' ' || src[lineEnd] == '\t' || src[lineEnd] == '\r') {
		lineEnd++
	}
	if (lineStart == 0 || src[lineStart-1] == '\n') && (lineEnd == len(src) || src[lineEnd] == '\n') {
		if lineEnd < len(src) {
			lineEnd++
		}
		start, stop = lineStart, lineEnd
	}
	return []analysis.TextEdit{{Pos: tf.Pos(start), End: tf.Pos(stop)}}, true
}

func rename(id *ast.Ident, name string) *analysis.SuggestedFix {
	return &analysis.SuggestedFix{
		Message:   fmt.Sprintf("Replace %s with %s", id.Name, name),
		TextEdits: []analysis.TextEdit{{Pos: id.Pos(), End: id.End(), NewText: []byte(name)}},
	}
}

// takesFunc reports whether call has exactly one argument, of a type that
// a func() parameter accepts.
func (c *checker) takesFunc(call *ast.CallExpr) bool {
	if len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return false
	}
	return c.assignable(call.Args[0], types.NewSignatureType(nil, nil, nil, nil, nil, false))
}

// assignable reports whether the argument x could be passed as a T.
func (c *checker) assignable(x ast.Expr, t types.Type) bool {
	tv, ok := c.pass.TypesInfo.Types[x]
	if !ok || tv.Type == nil || !tv.IsValue() || tv.IsNil() {
		return false
	}
	if isInvalid(tv.Type) || isInvalid(t) {
		return false
	}
	if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 && tv.Value != nil {
		// An untyped constant must also be representable as a T: 1.5 is
		// not an int, nor 300 a byte.
		if tb, ok := t.Underlying().(*types.Basic); ok && !c.representable(tv.Value, tb) {
			return false
		}
	}
	return types.AssignableTo(tv.Type, t)
}

func isInvalid(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Kind() == types.Invalid
}

// representable reports whether the constant v has a value of type t.
func (c *checker) representable(v constant.Value, t *types.Basic) bool {
	info := t.Info()
	switch {
	case info&types.IsBoolean != 0:
		return v.Kind() == constant.Bool
	case info&types.IsString != 0:
		return v.Kind() == constant.String
	case info&types.IsInteger != 0:
		x := constant.ToInt(v)
		if x.Kind() != constant.Int {
			return false
		}
		bits := uint(8 * c.pass.TypesSizes.Sizeof(t))
		one := constant.MakeInt64(1)
		lo, hi := constant.MakeInt64(0), constant.Shift(one, token.SHL, bits)
		if info&types.IsUnsigned == 0 {
			hi = constant.Shift(one, token.SHL, bits-1)
			lo = constant.UnaryOp(token.SUB, hi, 0)
		}
		return constant.Compare(x, token.GEQ, lo) && constant.Compare(x, token.LSS, hi)
	case info&types.IsFloat != 0:
		return constant.ToFloat(v).Kind() == constant.Float
	case info&types.IsComplex != 0:
		return constant.ToComplex(v).Kind() == constant.Complex
	}
	return false
}

// newCompiles reports whether renaming ctxvar.NewVar or ctxvar.ContextVar
// to New makes call compile: a name, then options of one Option[T], and T
// given explicitly or by the options.
func (c *checker) newCompiles(call *ast.CallExpr, inst *ast.IndexExpr) bool {
	if len(call.Args) == 0 || call.Ellipsis.IsValid() {
		return false
	}
	if !c.assignable(call.Args[0], types.Typ[types.String]) {
		return false
	}
	var elem types.Type
	if inst != nil {
		tv, ok := c.pass.TypesInfo.Types[inst.Index]
		if !ok || !tv.IsType() || isInvalid(tv.Type) {
			return false
		}
		elem = tv.Type
	}
	for _, opt := range call.Args[1:] {
		tv, ok := c.pass.TypesInfo.Types[opt]
		if !ok || tv.Type == nil {
			return false
		}
		named, ok := types.Unalias(tv.Type).(*types.Named)
		if !ok || named.Origin().Obj().Pkg() != c.api.Pkg || named.Origin().Obj().Name() != "Option" || named.TypeArgs().Len() != 1 {
			return false
		}
		t := named.TypeArgs().At(0)
		if elem == nil {
			elem = t
		} else if !types.Identical(elem, t) {
			return false
		}
	}
	return elem != nil
}

// method reports a misused method of a Var or a Context: a removed one
// (Delete), a Python spelling (get, set, reset, name, run, copy), or a
// Python call shape (Get(default), Reset() without a token, Run(fn, args)).
func (c *checker) method(cur inspector.Cursor, sel *ast.SelectorExpr) (finding, bool) {
	info := c.pass.TypesInfo
	tv, ok := info.Types[sel.X]
	if !ok || tv.Type == nil || !tv.IsValue() {
		return finding{}, false
	}
	recvType := tv.Type
	if p, ok := types.Unalias(recvType).(*types.Pointer); ok {
		recvType = p.Elem()
	}
	named, ok := types.Unalias(recvType).(*types.Named)
	if !ok {
		return finding{}, false
	}
	recv := types.ExprString(sel.X)
	call, _, _ := callOf(cur)
	name := sel.Sel.Name
	resolved := info.Selections[sel] != nil
	if !resolved {
		if obj, _, _ := types.LookupFieldOrMethod(tv.Type, true, c.pass.Pkg, name); obj != nil {
			return finding{}, false
		}
	}
	f := finding{node: sel}
	if call != nil {
		f.node = call
	}
	switch named.Origin().Obj() {
	case c.api.VarType:
		if named.TypeArgs().Len() != 1 {
			return finding{}, false
		}
		elem := named.TypeArgs().At(0)
		if resolved {
			return c.varCallShape(call, sel, recv, elem)
		}
		switch name {
		case "Delete", "delete":
			f.message = fmt.Sprintf("%s.%s was removed, as aiocontextvars 0.2 removed ContextVar.delete: "+
				"a value is undone by resetting the token of the Set that gave it; "+
				"keep tok := %s.Set(x) and call %s.Reset(tok)", recv, name, recv, recv)
		case "get":
			f.message = fmt.Sprintf("%s.get does not exist: Python's var.get() is %s.Get() in Go, and var.get(default) is %s.GetOr(default)",
				recv, recv, recv)
			switch {
			case call == nil:
			case len(call.Args) == 0:
				f.fix = rename(sel.Sel, "Get")
			case len(call.Args) == 1 && !call.Ellipsis.IsValid() && c.assignable(call.Args[0], elem):
				f.fix = rename(sel.Sel, "GetOr")
			}
		case "set":
			f.message = fmt.Sprintf("%s.set does not exist: Python's var.set(value) is %s.Set(value) in Go; "+
				"it returns the token that %s.Reset takes", recv, recv, recv)
			if call != nil && len(call.Args) == 1 && !call.Ellipsis.IsValid() && c.assignable(call.Args[0], elem) {
				f.fix = rename(sel.Sel, "Set")
			}
		case "reset":
			f.message = fmt.Sprintf("%s.reset does not exist: Python's var.reset(token) is %s.Reset(token) in Go", recv, recv)
			if call != nil && len(call.Args) == 1 && !call.Ellipsis.IsValid() && c.isToken(call.Args[0], elem) {
				f.fix = rename(sel.Sel, "Reset")
			}
		case "name":
			f.message = fmt.Sprintf("%s.name does not exist: Python's var.name is %s.Name() in Go", recv, recv)
			switch {
			case call != nil && len(call.Args) == 0:
				f.fix = rename(sel.Sel, "Name")
			case call == nil && readOnly(cur):
				f.fix = rename(sel.Sel, "Name()")
			}
		default:
			return finding{}, false
		}
	case c.api.ContextType:
		if resolved {
			return c.contextCallShape(call, sel, recv)
		}
		switch name {
		case "run":
			f.message = fmt.Sprintf("%s.run does not exist: Python's ctx.run(fn) is %s.Run(fn) in Go", recv, recv)
			if call != nil && c.takesFunc(call) {
				f.fix = rename(sel.Sel, "Run")
			}
		case "copy":
			f.message = fmt.Sprintf("%s.copy does not exist: Python's ctx.copy() is %s.Copy() in Go", recv, recv)
			if call != nil && len(call.Args) == 0 {
				f.fix = rename(sel.Sel, "Copy")
			}
		case "get", "Get":
			f.message = fmt.Sprintf("%s.%s does not exist: Python's ctx.get(var) is ctxvar.ValueIn(%s, var) in Go, "+
				"which also reports whether var has a value in %s", recv, name, recv, recv)
		default:
			return finding{}, false
		}
	default:
		return finding{}, false
	}
	return f, true
}

// varCallShape reports calls of Var methods made the Python way:
// v.Get(default) and v.Reset() without a token.
func (c *checker) varCallShape(call *ast.CallExpr, sel *ast.SelectorExpr, recv string, elem types.Type) (finding, bool) {
	if call == nil || call.Ellipsis.IsValid() {
		return finding{}, false
	}
	fn := c.api.Callee(c.pass.TypesInfo, call)
	if fn == nil {
		return finding{}, false
	}
	params := fn.Signature().Params().Len()
	f := finding{node: call}
	switch {
	case fn == c.api.Get && params == 0 && len(call.Args) == 1:
		f.message = fmt.Sprintf("%s.Get takes no argument: Python's var.get(default) is %s.GetOr(default) in Go "+
			"(Get falls back to the Var's own default)", recv, recv)
		if c.assignable(call.Args[0], elem) {
			f.fix = rename(sel.Sel, "GetOr")
		}
	case fn == c.api.Reset && params == 1 && len(call.Args) == 0:
		f.message = fmt.Sprintf("%s.Reset needs the token returned by the Set to undo: "+
			"keep tok := %s.Set(x) and call %s.Reset(tok)", recv, recv, recv)
	default:
		return finding{}, false
	}
	return f, true
}

// contextCallShape reports c.Run(fn, args...), Python's ctx.run(fn, *args).
func (c *checker) contextCallShape(call *ast.CallExpr, sel *ast.SelectorExpr, recv string) (finding, bool) {
	if call == nil {
		return finding{}, false
	}
	fn := c.api.Callee(c.pass.TypesInfo, call)
	if fn != c.api.ContextRun || fn.Signature().Params().Len() != 1 || len(call.Args) < 2 {
		return finding{}, false
	}
	return finding{
		node: call,
		message: fmt.Sprintf("%s.Run takes only a func(): Python's ctx.run(fn, *args) is %s.Run(func() { fn(args...) }) in Go",
			recv, recv),
	}, true
}

// isToken reports whether x is a *ctxvar.Token[elem].
func (c *checker) isToken(x ast.Expr, elem types.Type) bool {
	tv, ok := c.pass.TypesInfo.Types[x]
	if !ok || tv.Type == nil || c.api.TokenType == nil {
		return false
	}
	p, ok := types.Unalias(tv.Type).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(p.Elem()).(*types.Named)
	return ok && named.Origin().Obj() == c.api.TokenType && named.TypeArgs().Len() == 1 &&
		types.Identical(named.TypeArgs().At(0), elem)
}

// readOnly reports whether the selector at cur is only read, so that a
// method call can stand in its place.
func readOnly(cur inspector.Cursor) bool {
	for cur.ParentEdgeKind() == edge.ParenExpr_X {
		cur = cur.Parent()
	}
	switch cur.ParentEdgeKind() {
	case edge.AssignStmt_Lhs, edge.IncDecStmt_X, edge.RangeStmt_Key, edge.RangeStmt_Value, edge.UnaryExpr_X, edge.ExprStmt_X:
		return false
	}
	return true
}
