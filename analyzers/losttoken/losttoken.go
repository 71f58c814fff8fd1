package losttoken

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports tokens returned by (*ctxvar.Var).Set that are discarded,
// or kept in a variable that some path to a return never uses.
var Analyzer = &analysis.Analyzer{
	Name:     "losttoken",
	Doc:      docs.MustExtract(doc, "losttoken"),
	URL:      "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/losttoken",
	Requires: []*analysis.Analyzer{reach.Analyzer, reach.Inspect},
	Run:      guard.Run(run),
}

type checker struct {
	pass *analysis.Pass
	api  *ctxvarapi.API
	r    *report.Reporter
	ret  *returns
}

func run(pass *analysis.Pass, at *guard.Position) (any, error) {
	if !pass.ResultOf[reach.Analyzer].(bool) {
		return nil, nil
	}
	api := ctxvarapi.Of(pass.Pkg)
	if api == nil || api.Set == nil || api.Reset == nil {
		return nil, nil
	}
	c := &checker{
		pass: pass,
		api:  api,
		r:    report.New(pass),
		ret:  newReturns(pass.TypesInfo, pass.Files),
	}
	insp := pass.ResultOf[reach.Inspect].(*inspector.Inspector)
	contextBuilders := c.contextBuilders(insp)
	for cur := range insp.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		at.At(cur.Node().Pos())
		switch fn := cur.Node().(type) {
		case *ast.FuncDecl:
			if fn.Body == nil || c.contextDiesWith(fn) {
				continue
			}
		case *ast.FuncLit:
			if contextBuilders[fn] {
				continue
			}
		}
		c.checkFunc(cur)
	}
	return nil, nil
}

// contextBuilders returns the function literals whose Sets build a Context
// that ends with the literal: those passed straight to Spawn, Bind, BindErr,
// BindArg or (*Context).Run, which run them in a Context of their own, and
// subtests and fuzz targets, which are test functions.
func (c *checker) contextBuilders(insp *inspector.Inspector) map[*ast.FuncLit]bool {
	lits := make(map[*ast.FuncLit]bool)
	for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if !c.runsInOwnContext(call) && !isSubtest(c.pass.TypesInfo, call) {
			continue
		}
		for _, arg := range call.Args {
			if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
				lits[lit] = true
			}
		}
	}
	return lits
}

func (c *checker) runsInOwnContext(call *ast.CallExpr) bool {
	switch c.api.Callee(c.pass.TypesInfo, call) {
	case nil:
		return false
	case c.api.Spawn, c.api.Bind, c.api.BindErr, c.api.BindArg, c.api.ContextRun:
		return true
	}
	return false
}

// isSubtest reports whether call is (*testing.T).Run, (*testing.B).Run or
// (*testing.F).Fuzz, whose function argument is a test function.
func isSubtest(info *types.Info, call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "testing" {
		return false
	}
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	ptr, ok := recv.Type().(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := ptr.Elem().(*types.Named)
	if !ok {
		return false
	}
	switch named.Obj().Name() + "." + fn.Name() {
	case "T.Run", "B.Run", "F.Fuzz":
		return true
	}
	return false
}

// contextDiesWith reports whether the Context that fn's Sets change ends when
// fn returns, so that restoring values would change nothing: main.main and
// init (the program's Context at start-up), and test functions, which run on
// goroutines of their own.
func (c *checker) contextDiesWith(fn *ast.FuncDecl) bool {
	if fn.Recv != nil {
		return false
	}
	name := fn.Name.Name
	switch {
	case name == "init":
		return true
	case name == "main":
		return c.pass.Pkg.Name() == "main"
	}
	tf := c.pass.Fset.File(fn.Pos())
	if tf == nil || !strings.HasSuffix(tf.Name(), "_test.go") {
		return false
	}
	if name == "TestMain" {
		return true
	}
	for _, prefix := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if isTestName(name, prefix) {
			return true
		}
	}
	return false
}

// isTestName is go test's rule: the prefix, then nothing or an upper-case
// letter (TestFoo and Test, not Testify).
func isTestName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

// A discard is a Set whose token nobody keeps.
type discard struct {
	call *ast.CallExpr
	stmt inspector.Cursor // the statement that throws the token away
	how  discardKind
}

type discardKind int

const (
	exprStmt  discardKind = iota // v.Set(x)
	blank                        // _ = v.Set(x), var _ = v.Set(x)
	deferStmt                    // defer v.Set(x), go v.Set(x)
)

// A tokenVar is a Set whose token is assigned to a local variable.
type tokenVar struct {
	v    *types.Var
	call *ast.CallExpr
	stmt ast.Node // the AssignStmt or ValueSpec, as it appears in the CFG
	cur  inspector.Cursor
}

func (c *checker) checkFunc(fn inspector.Cursor) {
	var (
		body  inspector.Cursor
		ftype *ast.FuncType
	)
	switch n := fn.Node().(type) {
	case *ast.FuncDecl:
		body, ftype = fn.ChildAt(edge.FuncDecl_Body, -1), n.Type
	case *ast.FuncLit:
		body, ftype = fn.ChildAt(edge.FuncLit_Body, -1), n.Type
	}
	funcScope := c.pass.TypesInfo.Scopes[ftype]
	if funcScope == nil {
		return
	}

	var (
		discards []discard
		toks     []tokenVar
		hasGoto  bool
	)
	body.Inspect([]ast.Node{(*ast.FuncLit)(nil), (*ast.CallExpr)(nil), (*ast.BranchStmt)(nil)}, func(cur inspector.Cursor) bool {
		switch n := cur.Node().(type) {
		case *ast.FuncLit:
			return false // analyzed on its own
		case *ast.BranchStmt:
			hasGoto = hasGoto || n.Tok == token.GOTO
		case *ast.CallExpr:
			if c.api.Callee(c.pass.TypesInfo, n) != c.api.Set {
				return true
			}
			if d, ok := c.discarded(cur); ok {
				discards = append(discards, d)
			} else if tv, ok := c.tokenVar(cur, funcScope); ok {
				toks = append(toks, tv)
			}
		}
		return true
	})

	for _, d := range discards {
		c.reportDiscard(d, hasGoto)
	}
	if len(toks) > 0 {
		c.checkPaths(fn, body, toks, hasGoto)
	}
}

// operand returns the cursor of the expression that holds call's value:
// call itself, or the outermost parentheses around it.
func operand(call inspector.Cursor) inspector.Cursor {
	for call.ParentEdgeKind() == edge.ParenExpr_X {
		call = call.Parent()
	}
	return call
}

func (c *checker) discarded(call inspector.Cursor) (discard, bool) {
	op := operand(call)
	d := discard{call: call.Node().(*ast.CallExpr), stmt: op.Parent()}
	kind, idx := op.ParentEdge()
	switch kind {
	case edge.ExprStmt_X:
		d.how = exprStmt
	case edge.DeferStmt_Call, edge.GoStmt_Call:
		d.how = deferStmt
	case edge.AssignStmt_Rhs:
		as := op.Parent().Node().(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) || !isBlank(as.Lhs[idx]) {
			return discard{}, false
		}
		d.how = blank
	case edge.ValueSpec_Values:
		vs := op.Parent().Node().(*ast.ValueSpec)
		if len(vs.Names) != len(vs.Values) || !isBlank(vs.Names[idx]) {
			return discard{}, false
		}
		d.how = blank
	default:
		return discard{}, false
	}
	return d, true
}

func isBlank(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "_"
}

// tokenVar recognizes tok := v.Set(x), tok = v.Set(x) and var tok = v.Set(x)
// where tok is a variable of the function being analyzed. A variable of an
// enclosing function or of the package may be used anywhere, so it is left
// alone, as are fields, elements and pointers, which store the token.
func (c *checker) tokenVar(call inspector.Cursor, funcScope *types.Scope) (tokenVar, bool) {
	info := c.pass.TypesInfo
	op := operand(call)
	kind, idx := op.ParentEdge()
	var id *ast.Ident
	stmt := op.Parent().Node()
	switch kind {
	case edge.AssignStmt_Rhs:
		as := stmt.(*ast.AssignStmt)
		if len(as.Lhs) != len(as.Rhs) {
			return tokenVar{}, false
		}
		id, _ = ast.Unparen(as.Lhs[idx]).(*ast.Ident)
	case edge.ValueSpec_Values:
		vs := stmt.(*ast.ValueSpec)
		if len(vs.Names) != len(vs.Values) {
			return tokenVar{}, false
		}
		id = vs.Names[idx]
	}
	if id == nil {
		return tokenVar{}, false
	}
	v, ok := info.Defs[id].(*types.Var)
	if !ok {
		v, ok = info.Uses[id].(*types.Var)
		if !ok || !funcScope.Contains(v.Pos()) {
			return tokenVar{}, false
		}
	}
	return tokenVar{v: v, call: call.Node().(*ast.CallExpr), stmt: stmt, cur: op.Parent()}, true
}

// setOperands returns the Var and the value of a call of Set, written as a
// method call (v.Set(x)) or a method expression ((*ctxvar.Var[T]).Set(v, x)).
func (c *checker) setOperands(call *ast.CallExpr) (v, x ast.Expr, methodCall bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, nil, false
	}
	s := c.pass.TypesInfo.Selections[sel]
	if s == nil {
		return nil, nil, false
	}
	switch {
	case s.Kind() == types.MethodVal && len(call.Args) == 1:
		return ast.Unparen(sel.X), call.Args[0], true
	case s.Kind() == types.MethodExpr && len(call.Args) == 2:
		return ast.Unparen(call.Args[0]), call.Args[1], false
	}
	return nil, nil, false
}

// inLoop reports whether cur lies in a for or range statement of its own
// function, where a deferred Reset would run once per iteration at the end.
func inLoop(cur inspector.Cursor) bool {
	for enc := range cur.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncLit)(nil), (*ast.FuncDecl)(nil)) {
		switch enc.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		default:
			return false
		}
	}
	return false
}

func (c *checker) reportDiscard(d discard, hasGoto bool) {
	v, x, methodCall := c.setOperands(d.call)
	if v == nil {
		return
	}
	name := types.ExprString(v)
	loop := inLoop(d.stmt)
	var msg string
	switch {
	case d.how == deferStmt:
		verb := "deferred"
		if _, ok := d.stmt.Node().(*ast.GoStmt); ok {
			verb = "go"
		}
		msg = fmt.Sprintf("the token returned by the %s call of %s.Set is discarded: the value it sets is never reset; "+
			"to restore a previous value, keep the token of the Set that replaced it and defer %s.Reset(tok)",
			verb, name, name)
	case loop:
		msg = fmt.Sprintf("the token returned by %s.Set is discarded: the previous value is never restored; "+
			"keep it (tok := %s.Set(%s)) and call %s.Reset(tok) before the iteration ends",
			name, name, shorten(x), name)
	default:
		what := "discarded"
		if d.how == blank {
			what = "assigned to _"
		}
		msg = fmt.Sprintf("the token returned by %s.Set is %s: the previous value is never restored; "+
			"reset it with defer %s.Reset(%s.Set(%s))",
			name, what, name, name, shorten(x))
	}
	diag := analysis.Diagnostic{Pos: d.call.Pos(), End: d.call.End(), Message: msg}
	if d.how == exprStmt && methodCall && !loop && !hasGoto && c.deferable(d.stmt, v) {
		stmt := d.stmt.Node()
		diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message: fmt.Sprintf("Reset %s when the function returns", name),
			TextEdits: []analysis.TextEdit{
				{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte("defer " + name + ".Reset(")},
				{Pos: stmt.End(), End: stmt.End(), NewText: []byte(")")},
			},
		}}
	}
	c.r.Report(diag)
}

// deferable reports whether the expression statement stmt, a Set on v, can
// become defer v.Reset(stmt): it stands in a statement list (not in a label
// or an if header), and v can be written twice with the same meaning and has
// the runtime's Reset.
func (c *checker) deferable(stmt inspector.Cursor, v ast.Expr) bool {
	switch stmt.ParentEdgeKind() {
	case edge.BlockStmt_List, edge.CaseClause_Body, edge.CommClause_Body:
	default:
		return false
	}
	if !c.plainRef(v) {
		return false
	}
	t := c.pass.TypesInfo.TypeOf(v)
	if t == nil {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, "Reset")
	fn, ok := obj.(*types.Func)
	return ok && fn.Origin() == c.api.Reset
}

// plainRef reports whether e is a variable, a package-qualified variable or
// a chain of field selections on one: an expression with no calls or other
// effects, which the fix may repeat.
func (c *checker) plainRef(e ast.Expr) bool {
	info := c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, ok := info.Uses[e].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		if s := info.Selections[e]; s != nil {
			return s.Kind() == types.FieldVal && c.plainRef(e.X)
		}
		if id, ok := e.X.(*ast.Ident); ok {
			if _, ok := info.Uses[id].(*types.PkgName); ok {
				_, ok := info.Uses[e.Sel].(*types.Var)
				return ok
			}
		}
	}
	return false
}

// shorten renders the value passed to Set for a message, eliding long
// expressions.
func shorten(x ast.Expr) string {
	s := types.ExprString(x)
	if len(s) > 32 {
		return "..."
	}
	return s
}

// checkPaths applies lostcancel's rule to each token variable: starting at
// the statement that assigns it, is there a path to a return statement on
// which the variable is never referenced?
func (c *checker) checkPaths(fn, body inspector.Cursor, toks []tokenVar, hasGoto bool) {
	var sig *types.Signature
	switch n := fn.Node().(type) {
	case *ast.FuncDecl:
		if obj, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func); ok {
			sig = obj.Signature()
		}
	case *ast.FuncLit:
		sig, _ = c.pass.TypesInfo.TypeOf(n).(*types.Signature)
	}
	if sig == nil {
		return
	}
	g := c.ret.graph(body.Node().(*ast.BlockStmt))
	vars := make(map[*types.Var]bool)
	for _, t := range toks {
		vars[t.v] = true
	}
	esc := c.escapes(body.Node(), vars)

	for _, t := range toks {
		if esc.addrTaken[t.v] {
			continue
		}
		if lits := esc.closures[t.v]; len(lits) > 0 {
			// A closure made before the assignment, or in an earlier
			// iteration or goto round, may use the token at any time
			// (typically deferred); one made after it is a use where it
			// stands.
			if hasGoto || inLoop(t.cur) || lits[0].Pos() < t.stmt.End() {
				continue
			}
		}
		ret := lostTokenPath(c.pass.TypesInfo, g, t.v, t.stmt, sig)
		if ret == nil {
			continue
		}
		v, _, _ := c.setOperands(t.call)
		if v == nil {
			continue
		}
		name := types.ExprString(v)
		defLine := c.pass.Fset.Position(t.stmt.Pos()).Line

		pos, end := ret.Pos(), ret.End()
		where := fmt.Sprintf("the return statement on line %d", c.pass.Fset.Position(pos).Line)
		if ret.Return == body.Node().End()-1 {
			// The CFG's synthetic return at the closing brace, whose End
			// may lie beyond the file.
			end = pos + 1
			where = fmt.Sprintf("the end of the function on line %d", c.pass.Fset.Position(pos).Line)
		}
		c.r.Report(analysis.Diagnostic{
			Pos: t.call.Pos(),
			End: t.call.End(),
			Message: fmt.Sprintf("the %s variable returned by %s.Set is not used on all paths (possible Context leak): "+
				"%s can be reached without it, and %s's previous value is not restored there; "+
				"call %s.Reset(%s) on every path, or defer it right after the Set",
				t.v.Name(), name, where, name, name, t.v.Name()),
			Related: []analysis.RelatedInformation{{
				Pos: pos,
				End: end,
				Message: fmt.Sprintf("this return statement may be reached without using the %s variable defined on line %d",
					t.v.Name(), defLine),
			}},
		})
	}
}

// escapeInfo records the references to token variables that the CFG walk
// cannot place: taking the address, and uses inside function literals.
type escapeInfo struct {
	addrTaken map[*types.Var]bool
	closures  map[*types.Var][]*ast.FuncLit // outermost literals referring to the var, in source order
}

func (c *checker) escapes(body ast.Node, vars map[*types.Var]bool) escapeInfo {
	info := c.pass.TypesInfo
	esc := escapeInfo{addrTaken: make(map[*types.Var]bool), closures: make(map[*types.Var][]*ast.FuncLit)}
	var lit *ast.FuncLit // the outermost function literal being walked
	var walk func(n ast.Node) bool
	walk = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			if lit == nil {
				lit = n
				ast.Inspect(n.Body, walk)
				lit = nil
				return false
			}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok && vars[v] {
						esc.addrTaken[v] = true
					}
				}
			}
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok && vars[v] && lit != nil {
				if l := esc.closures[v]; len(l) == 0 || l[len(l)-1] != lit {
					esc.closures[v] = append(l, lit)
				}
			}
		}
		return true
	}
	ast.Inspect(body, walk)
	return esc
}

// lostTokenPath is lostcancel's lostCancelPath: it finds a path through the
// CFG, from stmt (which assigns the token variable v) to a return statement,
// that does not use v, and returns that return statement (which may be
// synthetic). Any reference to v is a use, and so is a naked return when v
// is a named result.
func lostTokenPath(info *types.Info, g *cfg.CFG, v *types.Var, stmt ast.Node, sig *types.Signature) *ast.ReturnStmt {
	vIsNamedResult := tupleContains(sig.Results(), v)

	uses := func(stmts []ast.Node) bool {
		found := false
		for _, stmt := range stmts {
			ast.Inspect(stmt, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Ident:
					if info.Uses[n] == v {
						found = true
					}
				case *ast.ReturnStmt:
					if n.Results == nil && vIsNamedResult {
						found = true
					}
				}
				return !found
			})
		}
		return found
	}

	memo := make(map[*cfg.Block]bool)
	blockUses := func(b *cfg.Block) bool {
		res, ok := memo[b]
		if !ok {
			res = uses(b.Nodes)
			memo[b] = res
		}
		return res
	}

	var defblock *cfg.Block
	var rest []ast.Node
outer:
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if n == stmt {
				defblock = b
				rest = b.Nodes[i+1:]
				break outer
			}
		}
	}
	if defblock == nil || !defblock.Live {
		return nil
	}

	if uses(rest) {
		return nil
	}
	if ret := defblock.Return(); ret != nil {
		return ret
	}

	seen := make(map[*cfg.Block]bool)
	var search func(blocks []*cfg.Block) *ast.ReturnStmt
	search = func(blocks []*cfg.Block) *ast.ReturnStmt {
		for _, b := range blocks {
			if seen[b] {
				continue
			}
			seen[b] = true
			if blockUses(b) {
				continue
			}
			if ret := b.Return(); ret != nil {
				return ret
			}
			if ret := search(b.Succs); ret != nil {
				return ret
			}
		}
		return nil
	}
	return search(defblock.Succs)
}

func tupleContains(tuple *types.Tuple, v *types.Var) bool {
	for v0 := range tuple.Variables() {
		if v0 == v {
			return true
		}
	}
	return false
}
