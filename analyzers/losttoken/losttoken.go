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
	"github.com/ctxvar/ctxvar/analyzers/internal/noreturn"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports tokens returned by (*ctxvar.Var).Set that are discarded,
// or kept in a variable that some path to a return never uses.
var Analyzer = &analysis.Analyzer{
	Name:      "losttoken",
	Doc:       docs.MustExtract(doc, "losttoken"),
	URL:       "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/losttoken",
	Requires:  []*analysis.Analyzer{reach.Analyzer},
	Run:       guard.Run(run),
	FactTypes: []analysis.Fact{new(Helper), new(Spawner)},
}

type checker struct {
	pass *analysis.Pass
	api  *ctxvarapi.API
	hook *types.Func // ctxvarhttp.Hook, or nil
	r    *report.Reporter
	ret  *noreturn.Returns

	local    map[*types.Func]*Helper // the package's helpers (findHelpers)
	imported map[*types.Func]*Helper // the facts of other packages' functions, nil for none
	names    map[string]bool         // the names of the helpers and spawners the package calls

	spawners         map[*types.Func]*Spawner // the package's spawners (findSpawners)
	importedSpawners map[*types.Func]*Spawner // the facts of other packages' functions, nil for none
}

func run(pass *analysis.Pass, at *guard.Position) (any, error) {
	api := pass.ResultOf[reach.Analyzer].(reach.Result).API
	if api == nil || api.Set == nil || api.Reset == nil {
		return nil, nil
	}
	c := &checker{
		pass:     pass,
		api:      api,
		hook:     ctxvarapi.HTTPHookOf(pass.Pkg),
		r:        report.New(pass),
		ret:      noreturn.New(pass.TypesInfo, pass.Files),
		local:    make(map[*types.Func]*Helper),
		imported: make(map[*types.Func]*Helper),
		names:    make(map[string]bool),

		spawners:         make(map[*types.Func]*Spawner),
		importedSpawners: make(map[*types.Func]*Spawner),
	}
	c.findSpawners()
	c.findHelpers()
	for _, fn := range c.collect(at) {
		if fn.skip {
			continue
		}
		at.At(fn.node.Pos())
		for _, d := range fn.discards {
			if !d.op.dropped() {
				c.reportDiscard(d, fn.hasGoto)
			}
		}
		toks := slices.DeleteFunc(fn.toks, func(t tokenVar) bool { return t.op.dropped() })
		if len(toks) > 0 {
			c.checkPaths(fn.node, fn.body, toks, fn.hasGoto)
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

// An op is a call that makes a Set and hands its caller what undoes it: a
// call of Set, through a method value in a local variable or not, or a call
// of a helper, whose result index holds the token or the func() that
// resets it.
type op struct {
	call  *ast.CallExpr
	kind  opKind
	index int      // of the result, for a helper
	nres  int      // the callee's number of results
	via   string   // how the call names a helper or a method value; "" for a call of Set
	name  string   // the Var as messages name it; "" when unknown
	rname string   // the Var as the code at the call can write it; "" when it cannot
	fix   string   // the Var as a fix can write it at the call; "" when it cannot
	x     ast.Expr // the value set, for a call of Set
	mv    *local   // the method value called, or nil
}

type opKind int

const (
	opSet     opKind = iota // returns the token of a Set
	opToken                 // a token helper's result
	opRestore               // a restore helper's result
)

// dropped reports whether o calls a method value found to be reassigned.
func (o *op) dropped() bool { return o.mv != nil && o.mv.bad }

// A local is a local variable defined as a method value or method
// expression of Set (set := v.Set), or as a function literal
// (f := func() {...}), with what its uses tell.
type local struct {
	recv ast.Expr     // the method value's receiver; nil for a method expression or a literal
	lit  *ast.FuncLit // the literal, for a literal
	fn   *function    // the literal's function, once walked
	bad  bool         // a use other than a call (method value) or than an argument of a call that runs it in a Context of its own (literal)
	good bool         // such an argument (literal)
}

// collect walks the files and returns their functions, in preorder, with
// what their bodies hold. It skips the functions without a body or
// scope, those whose Context ends when they return (contextDiesWith), and
// the function literals whose Sets build a Context that ends with the
// literal: those passed straight to Spawn, Bind, BindErr, BindArg,
// RunContext, (*Context).Run, ctxvarhttp.Hook or a spawner, which run them
// in a Context of their own, or stored in a local variable that is only
// ever passed to them, and subtests and fuzz targets, which are test
// functions.
//
// The walk keeps the stack of the nodes that enclose the one it visits,
// which tells where a Set stands: in which statement, and whether in a
// loop. It leaves out the declarations without a Set or a call of a
// helper: they hold nothing to check, and are most of them.
func (c *checker) collect(at *guard.Position) []*function {
	var (
		funcs  []*function
		stack  []ast.Node            // the nodes enclosing the one visited, innermost last
		open   []*function           // the functions enclosing it, innermost last
		lits   map[*ast.FuncLit]bool // the literals that build a Context: the call that passes one comes first
		locals map[*types.Var]*local // the method values and literals in local variables of the declaration
		names  map[string]bool       // their names
		stored map[*ast.FuncLit]*local
	)
	info := c.pass.TypesInfo
	// define records a local variable v defined as e, a method value of
	// Set or a function literal.
	define := func(id *ast.Ident, e ast.Expr) {
		v, ok := info.Defs[id].(*types.Var)
		if !ok || v.Parent() == c.pass.Pkg.Scope() {
			return
		}
		var l *local
		switch e := ast.Unparen(e).(type) {
		case *ast.FuncLit:
			l = &local{lit: e}
			if stored == nil {
				stored = make(map[*ast.FuncLit]*local)
			}
			stored[e] = l
		case *ast.SelectorExpr:
			sel := info.Selections[e]
			if e.Sel.Name != "Set" || sel == nil {
				return
			}
			if fn, ok := sel.Obj().(*types.Func); !ok || fn.Origin() != c.api.Set {
				return
			}
			switch sel.Kind() {
			case types.MethodVal:
				l = &local{recv: ast.Unparen(e.X)}
			case types.MethodExpr:
				l = &local{}
			default:
				return
			}
		default:
			return
		}
		if locals == nil {
			locals, names = make(map[*types.Var]*local), make(map[string]bool)
		}
		locals[v] = l
		names[id.Name] = true
	}
	// use records a use of a local of the declaration, whose parent node
	// is the innermost node of the stack.
	use := func(id *ast.Ident) {
		v, ok := info.Uses[id].(*types.Var)
		if !ok {
			return
		}
		l := locals[v]
		if l == nil {
			return
		}
		call, ok := stack[len(stack)-1].(*ast.CallExpr)
		switch {
		case l.lit == nil:
			l.bad = l.bad || !ok || call.Fun != id
		case ok && slices.Contains(call.Args, ast.Expr(id)):
			callee, _ := typeutil.Callee(info, call).(*types.Func)
			if c.ownContextArg(call, callee, slices.Index(call.Args, ast.Expr(id))) {
				l.good = true
			} else {
				l.bad = true
			}
		default:
			l.bad = true
		}
	}
	visit := func(n ast.Node) bool {
		if n == nil {
			if len(open) > 0 && open[len(open)-1].node == stack[len(stack)-1] {
				open = open[:len(open)-1]
			}
			stack = stack[:len(stack)-1]
			return false
		}
		switch n := n.(type) {
		case *ast.Ident:
			if names[n.Name] {
				use(n)
			}
			return false
		case *ast.BasicLit, *ast.CommentGroup:
			return false // leaves: spare the call that ends their walk
		case *ast.FuncDecl:
			fn := &function{node: n, body: n.Body, scope: info.Scopes[n.Type]}
			fn.skip = n.Body == nil || fn.scope == nil || c.contextDiesWith(n)
			funcs = append(funcs, fn)
			open = append(open, fn)
		case *ast.FuncLit:
			fn := &function{node: n, body: n.Body, scope: info.Scopes[n.Type]}
			fn.skip = fn.scope == nil || lits[n]
			if l := stored[n]; l != nil {
				l.fn = fn
			}
			funcs = append(funcs, fn)
			open = append(open, fn)
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
				for i, lhs := range n.Lhs {
					if id, ok := lhs.(*ast.Ident); ok {
						define(id, n.Rhs[i])
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i, id := range n.Names {
					define(id, n.Values[i])
				}
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && len(open) > 0 {
				open[len(open)-1].hasGoto = true
			}
		case *ast.CallExpr:
			name := calledName(n)
			if !interesting[name] && !c.names[name] && !names[name] {
				break // spare the look-up of the callee
			}
			at.At(n.Pos())
			callee := typeutil.Callee(info, n)
			fn, _ := callee.(*types.Func)
			for i, arg := range n.Args {
				if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok && c.ownContextArg(n, fn, i) {
					if lits == nil {
						lits = make(map[*ast.FuncLit]bool)
					}
					lits[lit] = true
				}
			}
			if len(open) == 0 {
				break
			}
			// Calls outside the body (in array lengths of the
			// parameters' types) are none of the function's.
			if f := open[len(open)-1]; !f.skip && f.body.Pos() <= n.Pos() && n.End() <= f.body.End() {
				var l *local
				if v, ok := callee.(*types.Var); ok {
					l = locals[v]
				}
				if ops := c.ops(n, callee, l); len(ops) > 0 {
					c.set(f, ops, stack)
				}
			}
		}
		stack = append(stack, n)
		return true
	}
	sets := c.positions()
	for _, file := range c.pass.Files {
		stack = append(stack[:0], file)
		for _, decl := range file.Decls {
			if i, _ := slices.BinarySearch(sets, decl.Pos()); i < len(sets) && sets[i] < decl.End() {
				ast.Inspect(decl, visit)
				// A literal stored in a variable that is only passed
				// to Spawn and the like runs in a Context of its own.
				for _, l := range locals {
					if l.fn != nil && l.good && !l.bad {
						l.fn.skip = true
					}
				}
				clear(locals)
				clear(names)
				clear(stored)
			}
		}
	}
	return funcs
}

// positions returns the positions, in order, of the package's references
// to the runtime's Set and to helpers: the calls of Set and of helpers are
// among them. It records the names of the helpers in c.names.
func (c *checker) positions() []token.Pos {
	var pos []token.Pos
	for id, obj := range c.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		if fn.Origin() == c.api.Set {
			pos = append(pos, id.Pos())
		} else if c.helperOf(fn) != nil {
			pos = append(pos, id.Pos())
			c.names[fn.Name()] = true
		} else if c.spawnerOf(fn) != nil {
			c.names[fn.Name()] = true
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

// ops returns the ops of call, whose callee is callee: one for a call of
// Set, directly or through l, a method value or method expression of Set
// in a local variable; one for each result of a helper that holds a token
// or a func() that resets one; none for other calls.
func (c *checker) ops(call *ast.CallExpr, callee types.Object, l *local) []op {
	switch {
	case l != nil && l.lit == nil:
		o := op{call: call, kind: opSet, nres: 1, via: types.ExprString(call.Fun), mv: l}
		var v ast.Expr
		switch {
		case l.recv != nil && len(call.Args) == 1:
			v, o.x = l.recv, call.Args[0]
			// The receiver was evaluated at the method value: a fix
			// may name it again only when it is a Var of the package
			// level, which stays put.
			if c.packageRooted(v) && c.deferable(v) {
				o.fix = types.ExprString(v)
			}
		case l.recv == nil && len(call.Args) == 2:
			v, o.x = ast.Unparen(call.Args[0]), call.Args[1]
			if c.deferable(v) {
				o.fix = types.ExprString(v)
			}
		default:
			return nil
		}
		o.name = types.ExprString(v)
		o.rname = o.name
		return []op{o}
	}
	fn, ok := callee.(*types.Func)
	if !ok {
		return nil
	}
	if fn.Origin() == c.api.Set {
		v, x, _ := c.setOperands(call)
		if v == nil {
			return nil
		}
		o := op{call: call, kind: opSet, nres: 1, name: types.ExprString(v), x: x}
		o.rname = o.name
		if c.deferable(v) {
			o.fix = o.name
		}
		return []op{o}
	}
	h := c.helperOf(fn)
	if h == nil {
		return nil
	}
	nres := fn.Signature().Results().Len()
	var ops []op
	for _, r := range h.Results {
		if r.Index >= nres {
			continue
		}
		o := op{call: call, kind: opToken, index: r.Index, nres: nres, via: shortFun(call)}
		if r.Restore {
			o.kind = opRestore
		}
		var fixable bool
		o.name, o.rname, fixable = c.varAt(call, fn, r)
		if fixable {
			o.fix = o.rname
		}
		ops = append(ops, o)
	}
	return ops
}

// shortFun renders how call names its function, for a message.
func shortFun(call *ast.CallExpr) string {
	s := types.ExprString(call.Fun)
	if len(s) > 32 {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return "..." + sel.Sel.Name
		}
	}
	return s
}

// shortCall renders call for a message, eliding long arguments.
func shortCall(call *ast.CallExpr) string {
	if s := types.ExprString(call); len(s) <= 48 {
		return s
	}
	return shortFun(call) + "(...)"
}

// set records the ops of a call in fn's body that throw their result away
// or keep it in a local variable; stack holds the nodes that enclose the
// call.
func (c *checker) set(fn *function, ops []op, stack []ast.Node) {
	call := ops[0].call
	// e is the expression that holds the call's value: the call itself, or
	// the outermost parentheses around it; stmt is the node e is a child of.
	var e ast.Expr = call
	i := len(stack) - 1
	for ; i > 0; i-- {
		p, ok := stack[i].(*ast.ParenExpr)
		if !ok {
			break
		}
		e = p
	}
	stmt, outer := stack[i], stack[:i]
	d := discard{op: ops[0], stmt: stmt, loop: inLoop(outer), inList: inList(stmt, outer)}
	switch stmt.(type) {
	case *ast.ExprStmt:
		d.how = exprStmt
		fn.discards = append(fn.discards, d)
		return
	case *ast.DeferStmt, *ast.GoStmt:
		d.how = deferStmt
		fn.discards = append(fn.discards, d)
		return
	}
	for _, o := range ops {
		lhs := assignedTo(stmt, e, o.index, o.nres)
		if lhs == nil {
			continue
		}
		if isBlank(lhs) {
			d.op, d.how = o, blank
			fn.discards = append(fn.discards, d)
		} else if tv, ok := c.tokenVar(lhs, stmt, fn.scope); ok {
			tv.op, tv.loop = o, d.loop
			fn.toks = append(fn.toks, tv)
		}
	}
}

// assignedTo returns the expression that stmt assigns result index of e, a
// call with nres results, to, or nil when stmt is no assignment of e.
func assignedTo(stmt ast.Node, e ast.Expr, index, nres int) ast.Expr {
	var lhs, rhs []ast.Expr
	switch stmt := stmt.(type) {
	case *ast.AssignStmt:
		lhs, rhs = stmt.Lhs, stmt.Rhs
	case *ast.ValueSpec:
		for _, id := range stmt.Names {
			lhs = append(lhs, id)
		}
		rhs = stmt.Values
	default:
		return nil
	}
	if nres == 1 {
		if i := slices.Index(rhs, e); i >= 0 && len(lhs) == len(rhs) {
			return lhs[i]
		}
		return nil
	}
	if len(rhs) == 1 && rhs[0] == e && len(lhs) == nres {
		return lhs[index]
	}
	return nil
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

// A discard is an op whose result nobody keeps.
type discard struct {
	op     op
	stmt   ast.Node // the statement that throws the result away
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

// A tokenVar is an op whose result is assigned to a local variable.
type tokenVar struct {
	v    *types.Var
	op   op
	stmt ast.Node // the AssignStmt or ValueSpec, as it appears in the CFG
	loop bool     // stmt lies in a loop of the function (inLoop)
}

func isBlank(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && id.Name == "_"
}

// tokenVar recognizes lhs, the left side of stmt (tok := v.Set(x),
// tok = v.Set(x), var tok = v.Set(x)), as a variable of the function being
// analyzed. A variable of an enclosing function or of the package may be
// used anywhere, so it is left alone, as are fields, elements and pointers,
// which store the token.
func (c *checker) tokenVar(lhs ast.Expr, stmt ast.Node, funcScope *types.Scope) (tokenVar, bool) {
	info := c.pass.TypesInfo
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		return tokenVar{}, false
	}
	v, ok := info.Defs[id].(*types.Var)
	if !ok {
		v, ok = info.Uses[id].(*types.Var)
		if !ok || !funcScope.Contains(v.Pos()) {
			return tokenVar{}, false
		}
	}
	return tokenVar{v: v, stmt: stmt}, true
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

// setReceiver returns the Var of call when it calls Set, or nil.
func (c *checker) setReceiver(call *ast.CallExpr) ast.Expr {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Origin() != c.api.Set {
		return nil
	}
	v, _, _ := c.setOperands(call)
	return v
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

// ordinals names the results of a helper in messages.
var ordinals = []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"}

func ordinal(i int) string {
	if i < len(ordinals) {
		return ordinals[i]
	}
	return fmt.Sprintf("result %d", i+1)
}

// subject names what o's call returns, for a message: "the token returned
// by enter (tenant.Set)"; verb, when not "", is "deferred" or "go".
func (o *op) subject(verb string) string {
	callee := o.via
	if verb != "" {
		callee = "the " + verb + " call of " + o.via
	}
	var what, which string
	switch o.kind {
	case opRestore:
		what = "restore function"
		if o.name != "" {
			which = " (which resets " + o.name + ")"
		}
	default:
		what = "token"
		which = " (a Set it makes)"
		if o.name != "" {
			which = " (" + o.name + ".Set)"
		}
	}
	if o.nres > 1 {
		return fmt.Sprintf("the %s that %s returns as its %s result%s", what, callee, ordinal(o.index), which)
	}
	return fmt.Sprintf("the %s returned by %s%s", what, callee, which)
}

// reset renders the Reset of the token in variable tok.
func (o *op) reset(tok string) string {
	if o.rname == "" {
		return tok + ".Var().Reset(" + tok + ")"
	}
	return o.rname + ".Reset(" + tok + ")"
}

// previous names the value that o's Set replaced.
func (o *op) previous() string {
	if o.name == "" {
		return "the previous value"
	}
	return o.name + "'s previous value"
}

func (c *checker) reportDiscard(d discard, hasGoto bool) {
	o := &d.op
	var msg, verb string
	if d.how == deferStmt {
		verb = "deferred"
		if _, ok := d.stmt.(*ast.GoStmt); ok {
			verb = "go"
		}
	}
	what := "discarded"
	if d.how == blank {
		what = "assigned to _"
	}
	call := shortCall(o.call)
	switch {
	case o.via == "" && d.how == deferStmt:
		msg = fmt.Sprintf("the token returned by the %s call of %s.Set is discarded: the value it sets is never reset; "+
			"to restore a previous value, keep the token of the Set that replaced it and defer %s.Reset(tok)",
			verb, o.name, o.name)
	case o.via == "" && d.loop:
		msg = fmt.Sprintf("the token returned by %s.Set is discarded: the previous value is never restored; "+
			"keep it (tok := %s.Set(%s)) and call %s.Reset(tok) before the iteration ends",
			o.name, o.name, shorten(o.x), o.name)
	case o.via == "":
		msg = fmt.Sprintf("the token returned by %s.Set is %s: the previous value is never restored; "+
			"reset it with defer %s.Reset(%s.Set(%s))",
			o.name, what, o.name, o.name, shorten(o.x))
	case o.kind == opRestore && verb == "deferred" && o.nres == 1:
		msg = fmt.Sprintf("%s is discarded: %s makes its Set when the function returns, and nothing restores %s; "+
			"to set the value now and restore it on return, write defer %s()",
			o.subject(verb), o.via, o.previous(), call)
	case o.kind == opRestore && verb == "deferred":
		msg = fmt.Sprintf("%s is discarded: %s makes its Set when the function returns, and nothing restores %s; "+
			"to set the value now and restore it on return, call %s, keep the function and defer a call of it",
			o.subject(verb), o.via, o.previous(), o.via)
	case o.kind == opRestore && verb == "go":
		msg = fmt.Sprintf("%s is discarded: the value it sets is never reset; "+
			"call %s on the goroutine that needs the value and defer the function it returns",
			o.subject(verb), o.via)
	case o.kind == opRestore && d.loop:
		msg = fmt.Sprintf("%s is %s: %s is never restored; keep it and call it before the iteration ends",
			o.subject(""), what, o.previous())
	case o.kind == opRestore && o.nres == 1:
		msg = fmt.Sprintf("%s is %s: %s is never restored; call it when the function returns with defer %s()",
			o.subject(""), what, o.previous(), call)
	case o.kind == opRestore:
		msg = fmt.Sprintf("%s is %s: %s is never restored; keep it and defer a call of it",
			o.subject(""), what, o.previous())
	case d.how == deferStmt:
		msg = fmt.Sprintf("%s is discarded: the value it sets is never reset; "+
			"to restore a previous value, keep the token of the Set that replaced it and defer %s",
			o.subject(verb), o.reset("tok"))
	case d.loop:
		msg = fmt.Sprintf("%s is %s: the previous value is never restored; keep it and call %s before the iteration ends",
			o.subject(""), what, o.reset("tok"))
	case o.rname != "" && o.nres == 1:
		msg = fmt.Sprintf("%s is %s: the previous value is never restored; reset it with defer %s.Reset(%s)",
			o.subject(""), what, o.rname, call)
	default:
		msg = fmt.Sprintf("%s is %s: the previous value is never restored; keep it (tok) and defer %s",
			o.subject(""), what, o.reset("tok"))
	}
	diag := analysis.Diagnostic{Pos: o.call.Pos(), End: o.call.End(), Message: msg}
	stmt := d.stmt
	alone := d.how == exprStmt && !d.loop && !hasGoto && d.inList && o.nres == 1
	switch {
	case alone && o.kind != opRestore && o.fix != "":
		diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message: fmt.Sprintf("Reset %s when the function returns", o.fix),
			TextEdits: []analysis.TextEdit{
				{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte("defer " + o.fix + ".Reset(")},
				{Pos: stmt.End(), End: stmt.End(), NewText: []byte(")")},
			},
		}}
	case alone && o.kind == opRestore:
		diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message: fmt.Sprintf("Call the function %s returns when the function returns", o.via),
			TextEdits: []analysis.TextEdit{
				{Pos: stmt.Pos(), End: stmt.Pos(), NewText: []byte("defer ")},
				{Pos: stmt.End(), End: stmt.End(), NewText: []byte("()")},
			},
		}}
	case o.kind == opRestore && verb == "deferred" && !d.loop && o.nres == 1:
		diag.SuggestedFixes = []analysis.SuggestedFix{{
			Message: fmt.Sprintf("Call %s now and the function it returns when the function returns", o.via),
			TextEdits: []analysis.TextEdit{
				{Pos: o.call.End(), End: o.call.End(), NewText: []byte("()")},
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
	return t != nil && c.hasReset(t)
}

// hasReset reports whether the method Reset of t is the runtime's.
func (c *checker) hasReset(t types.Type) bool {
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

// packageRooted reports whether e, a plain reference, is a package-level
// variable or a chain of field selections on one.
func (c *checker) packageRooted(e ast.Expr) bool {
	info := c.pass.TypesInfo
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, ok := info.Uses[x].(*types.Var)
			return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
		case *ast.SelectorExpr:
			if s := info.Selections[x]; s != nil {
				e = x.X
				continue
			}
			v, ok := info.Uses[x.Sel].(*types.Var)
			return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
		default:
			return false
		}
	}
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
	g := c.ret.Graph(body)
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
		defLine := c.pass.Fset.Position(t.stmt.Pos()).Line

		pos, end := ret.Pos(), ret.End()
		where := fmt.Sprintf("the return statement on line %d", c.pass.Fset.Position(pos).Line)
		if ret.Return == body.End()-1 {
			// The CFG's synthetic return at the closing brace, whose End
			// may lie beyond the file.
			end = pos + 1
			where = fmt.Sprintf("the end of the function on line %d", c.pass.Fset.Position(pos).Line)
		}
		o, tok := &t.op, t.v.Name()
		var msg string
		switch {
		case o.via == "":
			msg = fmt.Sprintf("the %s variable returned by %s.Set is not used on all paths (possible Context leak): "+
				"%s can be reached without it, and %s's previous value is not restored there; "+
				"call %s.Reset(%s) on every path, or defer it right after the Set",
				tok, o.name, where, o.name, o.name, tok)
		case o.kind == opRestore:
			msg = fmt.Sprintf("the %s variable that holds %s is not used on all paths (possible Context leak): "+
				"%s can be reached without it, and %s is not restored there; "+
				"call %s() on every path, or defer it right after the call",
				tok, o.subject(""), where, o.previous(), tok)
		default:
			msg = fmt.Sprintf("the %s variable that holds %s is not used on all paths (possible Context leak): "+
				"%s can be reached without it, and %s is not restored there; "+
				"call %s on every path, or defer it right after the call",
				tok, o.subject(""), where, o.previous(), o.reset(tok))
		}
		c.r.Report(analysis.Diagnostic{
			Pos:     o.call.Pos(),
			End:     o.call.End(),
			Message: msg,
			Related: []analysis.RelatedInformation{{
				Pos: pos,
				End: end,
				Message: fmt.Sprintf("this return statement may be reached without using the %s variable defined on line %d",
					tok, defLine),
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
		visit := func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Ident:
				// Only an identifier of v's name can refer to v.
				if isVIdent(n, v, info) {
					found = true
				}
			case *ast.ReturnStmt:
				if n.Results == nil && vIsNamedResult {
					found = true
				}
			}
			return !found
		}
		for _, stmt := range stmts {
			ast.Inspect(stmt, visit)
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

// isVIdent reports whether n is an identifier that refers to v.
func isVIdent(n ast.Node, v *types.Var, info *types.Info) bool {
	id, ok := n.(*ast.Ident)
	return ok && id.Name == v.Name() && info.Uses[id] == v
}

func tupleContains(tuple *types.Tuple, v *types.Var) bool {
	for v0 := range tuple.Variables() {
		if v0 == v {
			return true
		}
	}
	return false
}
