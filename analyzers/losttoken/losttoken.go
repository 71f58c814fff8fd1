package losttoken

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
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
	Requires: []*analysis.Analyzer{reach.Analyzer},
	Run:      guard.Run(run),
}

type checker struct {
	pass *analysis.Pass
	api  *ctxvarapi.API
	hook *types.Func // ctxvarhttp.Hook, or nil
	r    *report.Reporter
	ret  *returns
}

func run(pass *analysis.Pass, at *guard.Position) (any, error) {
	api := pass.ResultOf[reach.Analyzer].(reach.Result).API
	if api == nil || api.Set == nil || api.Reset == nil {
		return nil, nil
	}
	c := &checker{
		pass: pass,
		api:  api,
		hook: ctxvarapi.HTTPHookOf(pass.Pkg),
		r:    report.New(pass),
		ret:  newReturns(pass.TypesInfo, pass.Files),
	}
	for _, fn := range c.collect(at) {
		if fn.skip {
			continue
		}
		at.At(fn.node.Pos())
		for _, d := range fn.discards {
			c.reportDiscard(d, fn.hasGoto)
		}
		if len(fn.toks) > 0 {
			c.checkPaths(fn.node, fn.body, fn.toks, fn.hasGoto)
		}
	}
	return nil, nil
}

// A function is a function declaration or literal, with the Sets of its
// body that throw their token away or keep it in a local variable. The
// function literals in the body are functions of their own.
type function struct {
	node     ast.Node // *ast.FuncDecl or *ast.FuncLit
	body     *ast.BlockStmt
	scope    *types.Scope
	skip     bool // not checked: see collect
	discards []discard
	toks     []tokenVar
	hasGoto  bool
}

// collect walks the files and returns their functions, in preorder, with
// what their bodies hold. It skips the functions without a body or
// scope, those whose Context ends when they return (contextDiesWith), and
// the function literals whose Sets build a Context that ends with the
// literal: those passed straight to Spawn, Bind, BindErr, BindArg or
// (*Context).Run, which run them in a Context of their own, and subtests
// and fuzz targets, which are test functions.
//
// The walk keeps the stack of the nodes that enclose the one it visits,
// which tells where a Set stands: in which statement, and whether in a
// loop. It leaves out the declarations without a Set: they hold nothing to
// check, and are most of them.
func (c *checker) collect(at *guard.Position) []*function {
	var (
		funcs []*function
		stack []ast.Node            // the nodes enclosing the one visited, innermost last
		open  []*function           // the functions enclosing it, innermost last
		lits  map[*ast.FuncLit]bool // the literals that build a Context: the call that passes one comes first
	)
	visit := func(n ast.Node) bool {
		if n == nil {
			if len(open) > 0 && open[len(open)-1].node == stack[len(stack)-1] {
				open = open[:len(open)-1]
			}
			stack = stack[:len(stack)-1]
			return false
		}
		switch n := n.(type) {
		case *ast.Ident, *ast.BasicLit, *ast.CommentGroup:
			return false // leaves: spare the call that ends their walk
		case *ast.FuncDecl:
			fn := &function{node: n, body: n.Body, scope: c.pass.TypesInfo.Scopes[n.Type]}
			fn.skip = n.Body == nil || fn.scope == nil || c.contextDiesWith(n)
			funcs = append(funcs, fn)
			open = append(open, fn)
		case *ast.FuncLit:
			fn := &function{node: n, body: n.Body, scope: c.pass.TypesInfo.Scopes[n.Type]}
			fn.skip = fn.scope == nil || lits[n]
			funcs = append(funcs, fn)
			open = append(open, fn)
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && len(open) > 0 {
				open[len(open)-1].hasGoto = true
			}
		case *ast.CallExpr:
			if !interesting[calledName(n)] {
				break // spare the look-up of the callee
			}
			at.At(n.Pos())
			callee, _ := typeutil.Callee(c.pass.TypesInfo, n).(*types.Func)
			if c.runsInOwnContext(callee) || isSubtest(callee) {
				for _, arg := range n.Args {
					if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
						if lits == nil {
							lits = make(map[*ast.FuncLit]bool)
						}
						lits[lit] = true
					}
				}
			}
			if len(open) > 0 && callee != nil && callee.Origin() == c.api.Set {
				// Calls outside the body (in array lengths of the
				// parameters' types) are none of the function's.
				if fn := open[len(open)-1]; !fn.skip && fn.body.Pos() <= n.Pos() && n.End() <= fn.body.End() {
					c.set(fn, n, stack)
				}
			}
		}
		stack = append(stack, n)
		return true
	}
	sets := c.setPositions()
	for _, file := range c.pass.Files {
		stack = append(stack[:0], file)
		for _, decl := range file.Decls {
			if i, _ := slices.BinarySearch(sets, decl.Pos()); i < len(sets) && sets[i] < decl.End() {
				ast.Inspect(decl, visit)
			}
		}
	}
	return funcs
}

// setPositions returns the positions, in order, of the package's
// references to the runtime's Set: the calls of Set are among them.
func (c *checker) setPositions() []token.Pos {
	var pos []token.Pos
	for id, obj := range c.pass.TypesInfo.Uses {
		if fn, ok := obj.(*types.Func); ok && fn.Origin() == c.api.Set {
			pos = append(pos, id.Pos())
		}
	}
	slices.Sort(pos)
	return pos
}

// interesting holds the names of the functions whose calls collect looks
// at: Set, and those whose function arguments build a Context of their own.
var interesting = map[string]bool{
	"Set": true, "Spawn": true, "Bind": true, "BindErr": true, "BindArg": true, "Run": true, "RunContext": true, "Fuzz": true,
	"Hook": true,
}

// calledName returns the name of the identifier that call's function
// expression ends in: F in F(), pkg.F(), x.F(), F[int]() and (F)(); ""
// when there is none. A call of a function or method names it so, which
// rules out most callees without looking them up.
func calledName(call *ast.CallExpr) string {
	switch x := ctxvarapi.StripIndex(call.Fun).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

// set records a call of Set in fn's body that throws its token away or
// keeps it in a local variable; stack holds the nodes that enclose the call.
func (c *checker) set(fn *function, call *ast.CallExpr, stack []ast.Node) {
	// op is the expression that holds the call's value: the call itself, or
	// the outermost parentheses around it; stmt is the node op is a child of.
	var op ast.Expr = call
	i := len(stack) - 1
	for ; i > 0; i-- {
		p, ok := stack[i].(*ast.ParenExpr)
		if !ok {
			break
		}
		op = p
	}
	stmt, outer := stack[i], stack[:i]
	if d, ok := discarded(call, op, stmt); ok {
		d.loop, d.inList = inLoop(outer), inList(stmt, outer)
		fn.discards = append(fn.discards, d)
	} else if tv, ok := c.tokenVar(call, op, stmt, fn.scope); ok {
		tv.loop = inLoop(outer)
		fn.toks = append(fn.toks, tv)
	}
}

// runsInOwnContext reports whether callee, a call's static callee, is
// Spawn, Bind, BindErr, BindArg, (*Context).Run, RunContext or
// ctxvarhttp.Hook, which run their function arguments in a Context of their
// own.
func (c *checker) runsInOwnContext(callee *types.Func) bool {
	if callee == nil {
		return false
	}
	switch callee.Origin() {
	case c.api.Spawn, c.api.Bind, c.api.BindErr, c.api.BindArg, c.api.ContextRun, c.api.RunContext:
		return true
	}
	return c.hook != nil && callee == c.hook
}

// isSubtest reports whether fn, a call's static callee, is
// (*testing.T).Run, (*testing.B).Run or (*testing.F).Fuzz, whose function
// argument is a test function.
func isSubtest(fn *types.Func) bool {
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "testing" {
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
	call   *ast.CallExpr
	stmt   ast.Node // the statement that throws the token away
	how    discardKind
	loop   bool // stmt lies in a loop of the function (inLoop)
	inList bool // stmt stands in a statement list (inList)
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
	loop bool     // stmt lies in a loop of the function (inLoop)
}

// discarded recognizes a Set whose token is thrown away: op, the call or
// its outermost parentheses, is the child of stmt, an expression statement,
// a defer or go statement, or an assignment to the blank identifier.
func discarded(call *ast.CallExpr, op ast.Expr, stmt ast.Node) (discard, bool) {
	d := discard{call: call, stmt: stmt}
	switch stmt := stmt.(type) {
	case *ast.ExprStmt:
		d.how = exprStmt
	case *ast.DeferStmt, *ast.GoStmt:
		d.how = deferStmt
	case *ast.AssignStmt:
		i := slices.Index(stmt.Rhs, op)
		if i < 0 || len(stmt.Lhs) != len(stmt.Rhs) || !isBlank(stmt.Lhs[i]) {
			return discard{}, false
		}
		d.how = blank
	case *ast.ValueSpec:
		i := slices.Index(stmt.Values, op)
		if i < 0 || len(stmt.Names) != len(stmt.Values) || !isBlank(stmt.Names[i]) {
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
func (c *checker) tokenVar(call *ast.CallExpr, op ast.Expr, stmt ast.Node, funcScope *types.Scope) (tokenVar, bool) {
	info := c.pass.TypesInfo
	var id *ast.Ident
	switch stmt := stmt.(type) {
	case *ast.AssignStmt:
		i := slices.Index(stmt.Rhs, op)
		if i < 0 || len(stmt.Lhs) != len(stmt.Rhs) {
			return tokenVar{}, false
		}
		id, _ = ast.Unparen(stmt.Lhs[i]).(*ast.Ident)
	case *ast.ValueSpec:
		i := slices.Index(stmt.Values, op)
		if i < 0 || len(stmt.Names) != len(stmt.Values) {
			return tokenVar{}, false
		}
		id = stmt.Names[i]
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
	return tokenVar{v: v, call: call, stmt: stmt}, true
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

// inLoop reports whether a statement whose enclosing nodes are outer
// (innermost last) lies in a for or range statement of its own function,
// where a deferred Reset would run once per iteration at the end.
func inLoop(outer []ast.Node) bool {
	for i := len(outer) - 1; i >= 0; i-- {
		switch outer[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		}
	}
	return false
}

// inList reports whether stmt, whose enclosing nodes are outer (innermost
// last), stands in a statement list: not in a label, an if header or a
// select case's communication.
func inList(stmt ast.Node, outer []ast.Node) bool {
	switch p := outer[len(outer)-1].(type) {
	case *ast.BlockStmt, *ast.CaseClause:
		return true
	case *ast.CommClause:
		return p.Comm != stmt
	}
	return false
}

func (c *checker) reportDiscard(d discard, hasGoto bool) {
	v, x, methodCall := c.setOperands(d.call)
	if v == nil {
		return
	}
	name := types.ExprString(v)
	loop := d.loop
	var msg string
	switch {
	case d.how == deferStmt:
		verb := "deferred"
		if _, ok := d.stmt.(*ast.GoStmt); ok {
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
	if d.how == exprStmt && methodCall && !loop && !hasGoto && d.inList && c.deferable(v) {
		stmt := d.stmt
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

// deferable reports whether the expression statement of a Set on v, which
// stands in a statement list (not in a label or an if header), can become
// defer v.Reset(stmt): v can be written twice with the same meaning and has
// the runtime's Reset.
func (c *checker) deferable(v ast.Expr) bool {
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
func (c *checker) checkPaths(fn ast.Node, body *ast.BlockStmt, toks []tokenVar, hasGoto bool) {
	var sig *types.Signature
	switch n := fn.(type) {
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
	g := c.ret.graph(body)
	vars := make(map[*types.Var]bool)
	for _, t := range toks {
		vars[t.v] = true
	}
	esc := c.escapes(body, vars)

	for _, t := range toks {
		if esc.addrTaken[t.v] {
			continue
		}
		if lits := esc.closures[t.v]; len(lits) > 0 {
			// A closure made before the assignment, or in an earlier
			// iteration or goto round, may use the token at any time
			// (typically deferred); one made after it is a use where it
			// stands.
			if hasGoto || t.loop || lits[0].Pos() < t.stmt.End() {
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
		if ret.Return == body.End()-1 {
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
	// An identifier refers to a variable by its name: the others need no
	// look-up.
	names := make([]string, 0, len(vars))
	for v := range vars {
		names = append(names, v.Name())
	}
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
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && slices.Contains(names, id.Name) {
					if v, ok := info.Uses[id].(*types.Var); ok && vars[v] {
						esc.addrTaken[v] = true
					}
				}
			}
		case *ast.Ident:
			if lit == nil || !slices.Contains(names, n.Name) {
				break
			}
			if v, ok := info.Uses[n].(*types.Var); ok && vars[v] {
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
					// Only an identifier of v's name can refer to v.
					if n.Name == v.Name() && info.Uses[n] == v {
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
