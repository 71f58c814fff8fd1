package localvar

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports calls of ctxvar.New, and of functions that return the
// Var a ctxvar.New call makes, where each call makes a fresh Var: in a
// function body or a loop rather than once, in a package-level variable's
// initializer.
var Analyzer = &analysis.Analyzer{
	Name:      "localvar",
	Doc:       docs.MustExtract(doc, "localvar"),
	URL:       "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/localvar",
	Requires:  []*analysis.Analyzer{reach.Analyzer},
	Run:       guard.Run(run),
	FactTypes: []analysis.Fact{new(NewVar)},
}

// NewVar is the fact of an exported function or method that returns, at
// each call, a Var that a ctxvar.New call in it (or in a function it
// calls) has just made: its calls make fresh Vars, as ctxvar.New's do.
type NewVar struct{}

// AFact implements analysis.Fact.
func (*NewVar) AFact() {}

func (*NewVar) String() string { return "returns a new Var" }

type checker struct {
	pass *analysis.Pass
	api  *ctxvarapi.API
	r    *report.Reporter

	factories map[*types.Func]bool // the package's functions that return fresh Vars
	imported  map[*types.Func]bool // what the facts say of other packages' functions

	fixNames map[string]int // the names the fixes would declare, and how often
}

func run(pass *analysis.Pass, at *guard.Position) (any, error) {
	api := pass.ResultOf[reach.Analyzer].(reach.Result).API
	if api == nil || api.VarType == nil {
		// api.New may be nil: a package that reaches the runtime only
		// through another package's export data may not see it, but still
		// calls that package's factories.
		return nil, nil
	}
	if runtimeOwn(pass.Pkg) {
		return nil, nil
	}
	c := &checker{
		pass:      pass,
		api:       api,
		r:         report.New(pass),
		factories: make(map[*types.Func]bool),
		imported:  make(map[*types.Func]bool),
		fixNames:  make(map[string]int),
	}
	// The factories of the package, to a fixed point: a function that
	// returns what a factory returns is one too.
	for {
		sites := c.sites(at)
		if len(sites) == 0 {
			return nil, nil
		}
		grew := false
		for _, s := range sites {
			if s.flow == flowReturned && s.factory != nil && !c.factories[s.factory] {
				c.factories[s.factory] = true
				grew = true
			}
		}
		if grew {
			continue
		}
		for fn := range c.factories {
			if fn.Exported() {
				pass.ExportObjectFact(fn, new(NewVar))
			}
		}
		var reports []*site
		for _, s := range sites {
			if s.flow == flowLocal && !s.exempt && !c.r.Suppressed(s.call.Pos()) {
				reports = append(reports, s)
				if s.fixable() {
					c.fixNames[s.local.Name()]++
				}
			}
		}
		for _, s := range reports {
			at.At(s.call.Pos())
			c.report(s)
		}
		return nil, nil
	}
}

// A site is a call that makes a fresh Var: a call of ctxvar.New, or of a
// factory, a function that returns the Var such a call makes.
type site struct {
	call    *ast.CallExpr
	callee  *types.Func // the factory called, or nil for ctxvar.New
	file    *ast.File
	flow    flow
	exempt  bool   // runs once: in a package-level initializer, init, main, a test
	loop    bool   // in a loop of the function that makes it
	where   string // "handle", "a function literal in handle"
	factory *types.Func

	// For the fix: the local variable the Var is declared as, the
	// declaring statement, the statement list and top-level declaration
	// that hold it.
	local      *types.Var
	stmt       ast.Stmt
	list       []ast.Stmt
	decl       *ast.FuncDecl
	reassigned bool // the local variable is assigned again
}

type flow int

const (
	flowEscapes  flow = iota // the Var goes where the analyzer cannot follow it, or is stored for later
	flowLocal                // the Var is used only in the call of the function that makes it
	flowReturned             // the Var is what the function returns
)

// sites finds the calls that make fresh Vars in the package's files,
// with what each call's context and the flow of its Var tell.
func (c *checker) sites(at *guard.Position) []*site {
	pos := c.creationPositions()
	if len(pos) == 0 {
		return nil
	}
	var sites []*site
	for _, f := range c.pass.Files {
		if ast.IsGenerated(f) {
			continue
		}
		for _, d := range f.Decls {
			if i, _ := slices.BinarySearch(pos, d.Pos()); i == len(pos) || pos[i] >= d.End() {
				continue
			}
			at.At(d.Pos())
			var stack []ast.Node
			ast.Inspect(d, func(n ast.Node) bool {
				if n == nil {
					stack = stack[:len(stack)-1]
					return false
				}
				if call, ok := n.(*ast.CallExpr); ok {
					if callee, ok := c.creation(call); ok {
						sites = append(sites, c.classify(f, call, callee, stack))
					}
				}
				stack = append(stack, n)
				return true
			})
		}
	}
	return sites
}

// creationPositions returns, in order, the positions of the references to
// ctxvar.New and to the factories: the calls that make Vars are among them.
func (c *checker) creationPositions() []token.Pos {
	var pos []token.Pos
	for id, obj := range c.pass.TypesInfo.Uses {
		if fn, ok := obj.(*types.Func); ok && (c.api.New != nil && fn.Origin() == c.api.New || c.isFactory(fn)) {
			pos = append(pos, id.Pos())
		}
	}
	slices.Sort(pos)
	return pos
}

// creation reports whether call makes a fresh Var, and returns the factory
// it calls (nil for ctxvar.New).
func (c *checker) creation(call *ast.CallExpr) (*types.Func, bool) {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok {
		return nil, false
	}
	if c.api.New != nil && fn.Origin() == c.api.New {
		// New("") panics: it makes no Var.
		if len(call.Args) > 0 {
			if tv, ok := c.pass.TypesInfo.Types[call.Args[0]]; ok && tv.Value != nil && tv.Value.ExactString() == `""` {
				return nil, false
			}
		}
		return nil, true
	}
	if c.isFactory(fn) {
		return fn.Origin(), true
	}
	return nil, false
}

// isFactory reports whether fn returns a fresh Var at each call.
func (c *checker) isFactory(fn *types.Func) bool {
	fn = fn.Origin()
	if fn.Pkg() == nil || fn.Pkg() == c.api.Pkg {
		return false
	}
	if fn.Pkg() == c.pass.Pkg {
		return c.factories[fn]
	}
	if known, ok := c.imported[fn]; ok {
		return known
	}
	known := c.returnsVar(fn.Signature()) && c.pass.ImportObjectFact(fn, new(NewVar))
	c.imported[fn] = known
	return known
}

// returnsVar reports whether a result of sig can hold a Var.
func (c *checker) returnsVar(sig *types.Signature) bool {
	res := sig.Results()
	for i := range res.Len() {
		t := res.At(i).Type()
		if c.api.IsVarType(t) || types.IsInterface(t) {
			return true
		}
	}
	return false
}

// classify tells, for a call that makes a Var, with the nodes that enclose
// it (stack, outermost first), where it runs and where its Var goes.
func (c *checker) classify(f *ast.File, call *ast.CallExpr, callee *types.Func, stack []ast.Node) *site {
	s := &site{call: call, callee: callee, file: f}

	// The function whose call makes the Var: the innermost function
	// declaration or literal, where a literal called where it stands is
	// part of the function that calls it.
	fnIdx := -1 // index in stack of the function that runs the call
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncDecl:
			if fnIdx < 0 {
				fnIdx = i
			}
		case *ast.FuncLit:
			if c.runsOnce(n, stack[:i]) {
				s.exempt = true
			}
			if fnIdx < 0 && !isCalledInPlace(n, stack[:i]) {
				fnIdx = i
			}
		case *ast.ForStmt, *ast.RangeStmt:
			if fnIdx < 0 {
				s.loop = true
			}
		}
	}
	if d, ok := stack[0].(*ast.FuncDecl); ok {
		s.decl = d
	}
	switch {
	case fnIdx < 0:
		// A package-level variable's initializer, or a literal called in
		// place in one: it runs once.
		s.exempt = true
	case stack[fnIdx] == s.decl:
		d := s.decl
		s.where = d.Name.Name
		if d.Recv == nil && (d.Name.Name == "init" || d.Name.Name == "main" && c.pass.Pkg.Name() == "main") {
			if d.Name.Name == "init" || !s.loop {
				s.exempt = true
			}
		}
		if !s.loop && c.isTestFunc(f, d) {
			s.exempt = true
		}
	default:
		s.where = "a function literal"
		if s.decl != nil {
			s.where += " in " + s.decl.Name.Name
		}
	}

	// The innermost function or literal, in which the Var flows.
	flowIdx := -1
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			flowIdx = i
		}
		if flowIdx >= 0 {
			break
		}
	}
	if flowIdx < 0 {
		s.flow = flowEscapes // a package-level initializer: stored
		return s
	}
	c.flowOf(s, call, stack, flowIdx)
	return s
}

// flowOf finds where the Var made by expression x, in the function
// stack[fnIdx], goes; stack holds the nodes that enclose x.
func (c *checker) flowOf(s *site, x ast.Expr, stack []ast.Node, fnIdx int) {
	info := c.pass.TypesInfo
	parentIdx := len(stack) - 1
	var child ast.Node = x
	for parentIdx > fnIdx {
		p, ok := stack[parentIdx].(*ast.ParenExpr)
		if !ok {
			break
		}
		child = p
		parentIdx--
	}
	if parentIdx <= fnIdx {
		s.flow = flowEscapes
		return
	}
	fn := stack[fnIdx]
	switch p := stack[parentIdx].(type) {
	case *ast.ExprStmt:
		s.flow = flowLocal // made and dropped
	case *ast.SelectorExpr:
		// A method of the Var, called: v.Set(x), v.Get().
		if p.X == child && parentIdx-1 > fnIdx {
			if call, ok := stack[parentIdx-1].(*ast.CallExpr); ok && call.Fun == p && c.isVarMethod(p) {
				s.flow = flowLocal
				return
			}
		}
		s.flow = flowEscapes
	case *ast.ReturnStmt:
		s.flow = c.returned(s, fn, stack[:parentIdx])
	case *ast.AssignStmt:
		if p.Tok != token.DEFINE && p.Tok != token.ASSIGN || len(p.Lhs) != len(p.Rhs) {
			s.flow = flowEscapes
			return
		}
		for i, r := range p.Rhs {
			if r == child {
				c.assigned(s, p.Lhs[i], p, fn, stack[:parentIdx])
				return
			}
		}
		s.flow = flowEscapes
	case *ast.ValueSpec:
		for i, v := range p.Values {
			if v == child && len(p.Names) == len(p.Values) {
				c.assigned(s, p.Names[i], nil, fn, stack[:parentIdx])
				return
			}
		}
		s.flow = flowEscapes
	case *ast.CallExpr:
		// An argument of the runtime's lookups reads the Var and keeps it
		// nowhere; any other call may keep it.
		if callee := c.api.Callee(info, p); callee != nil && callee == c.api.ValueIn {
			s.flow = flowLocal
			return
		}
		s.flow = flowEscapes
	default:
		s.flow = flowEscapes
	}
}

// returned handles a Var returned by the function fn; outer holds the
// nodes that enclose the return statement.
func (c *checker) returned(s *site, fn ast.Node, outer []ast.Node) flow {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		if obj, ok := c.pass.TypesInfo.Defs[fn.Name].(*types.Func); ok {
			s.factory = obj
			return flowReturned
		}
	case *ast.FuncLit:
		// A literal called where it stands returns the Var to its
		// caller: follow the call.
		for i := len(outer) - 1; i >= 0; i-- {
			if outer[i] != fn {
				continue
			}
			if i > 0 {
				if call, ok := outer[i-1].(*ast.CallExpr); ok && ast.Unparen(call.Fun) == fn {
					return c.flowOfCall(s, call, outer[:i-1])
				}
			}
			break
		}
	}
	return flowEscapes
}

// flowOfCall finds where the value of call, a literal called in place that
// returns the Var, goes.
func (c *checker) flowOfCall(s *site, call *ast.CallExpr, stack []ast.Node) flow {
	fnIdx := -1
	for i := len(stack) - 1; i >= 0; i-- {
		switch stack[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			fnIdx = i
		}
		if fnIdx >= 0 {
			break
		}
	}
	if fnIdx < 0 {
		return flowEscapes
	}
	saved := *s
	c.flowOf(s, call, stack, fnIdx)
	f := s.flow
	// The fix moves declarations of ctxvar.New calls only.
	s.local, s.stmt, s.list = saved.local, saved.stmt, saved.list
	return f
}

// assigned handles a Var assigned to lhs, by statement as (nil for a var
// declaration) in function fn; outer holds the nodes that enclose the
// assignment.
func (c *checker) assigned(s *site, lhs ast.Expr, as *ast.AssignStmt, fn ast.Node, outer []ast.Node) {
	info := c.pass.TypesInfo
	id, ok := ast.Unparen(lhs).(*ast.Ident)
	if !ok {
		s.flow = flowEscapes // a field, an element: stored
		return
	}
	if id.Name == "_" {
		s.flow = flowLocal
		return
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		s.flow = flowEscapes // a package-level variable: the Var is kept
		return
	}
	if v.Pos() < fn.Pos() || v.Pos() >= fn.End() {
		s.flow = flowEscapes // a variable of an enclosing function
		return
	}
	if isResult(info, fn, v) {
		s.flow = c.returned(s, fn, outer)
		return
	}
	s.flow = c.uses(s, v, fn)
	if s.flow != flowLocal || s.callee != nil {
		return
	}
	s.local = v
	// The statement that declares v, for the fix: v := ctxvar.New(...),
	// or var v = ctxvar.New(...).
	switch {
	case as != nil:
		if as.Tok == token.DEFINE && len(as.Lhs) == 1 {
			s.stmt = as
			s.list = stmtListOf(as, outer)
		}
	case len(outer) > 1:
		gd, ok := outer[len(outer)-1].(*ast.GenDecl)
		ds, ok2 := outer[len(outer)-2].(*ast.DeclStmt)
		if ok && ok2 && len(gd.Specs) == 1 && len(gd.Specs[0].(*ast.ValueSpec).Names) == 1 {
			s.stmt = ds
			s.list = stmtListOf(ds, outer[:len(outer)-2])
		}
	}
}

// isResult reports whether v is a named result of function fn.
func isResult(info *types.Info, fn ast.Node, v *types.Var) bool {
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft == nil || ft.Results == nil {
		return false
	}
	for _, f := range ft.Results.List {
		for _, name := range f.Names {
			if info.Defs[name] == v {
				return true
			}
		}
	}
	return false
}

// stmtListOf returns the statement list that holds stmt, from the nodes
// that enclose it.
func stmtListOf(stmt ast.Stmt, outer []ast.Node) []ast.Stmt {
	for i := len(outer) - 1; i >= 0; i-- {
		var list []ast.Stmt
		switch n := outer[i].(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		default:
			continue
		}
		if slices.Contains(list, stmt) {
			return list
		}
		return nil
	}
	return nil
}

// uses finds where the Var held by local variable v of function fn goes:
// it stays local when every use of v calls a method of the Var or passes
// it to ctxvar.ValueIn, in fn or in a literal that runs while fn runs or
// on a goroutine it starts; it is returned when fn returns it.
func (c *checker) uses(s *site, v *types.Var, fn ast.Node) flow {
	info := c.pass.TypesInfo
	result := flowLocal
	var body *ast.BlockStmt
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		body = fn.Body
	case *ast.FuncLit:
		body = fn.Body
	}
	if body == nil {
		return flowEscapes
	}
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if result == flowEscapes {
			return false
		}
		id, ok := n.(*ast.Ident)
		if !ok || id.Name != v.Name() || info.Uses[id] != v {
			stack = append(stack, n)
			return true
		}
		switch c.useKind(id, stack, fn) {
		case useLocal:
		case useReturned:
			if _, ok := fn.(*ast.FuncDecl); ok {
				result = flowReturned
				if obj, ok := info.Defs[fn.(*ast.FuncDecl).Name].(*types.Func); ok {
					s.factory = obj
				}
			} else {
				result = flowEscapes
			}
		case useAssigned:
			s.reassigned = true
		default:
			result = flowEscapes
		}
		return false
	})
	if result == flowReturned {
		// Returned, and used locally otherwise: the function is a factory.
		return flowReturned
	}
	return result
}

type useKind int

const (
	useEscapes useKind = iota
	useLocal
	useReturned
	useAssigned
)

// useKind classifies a use of a local Var variable, by identifier id whose
// enclosing nodes, within the function fn's body, are stack.
func (c *checker) useKind(id *ast.Ident, stack []ast.Node, fn ast.Node) useKind {
	info := c.pass.TypesInfo
	// The literals between fn and the use must run while fn runs, or on
	// a goroutine it starts.
	for i, n := range stack {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			continue
		}
		if !c.runsNow(lit, stack[:i]) {
			return useEscapes
		}
	}
	i, child := ctxvarapi.Enclosing(stack, id)
	if i < 0 {
		return useEscapes
	}
	inLit := slices.ContainsFunc(stack, func(n ast.Node) bool { _, ok := n.(*ast.FuncLit); return ok })
	switch p := stack[i].(type) {
	case *ast.SelectorExpr:
		if p.X == child && i > 0 {
			if call, ok := stack[i-1].(*ast.CallExpr); ok && call.Fun == p && c.isVarMethod(p) {
				return useLocal
			}
		}
	case *ast.CallExpr:
		if callee := c.api.Callee(info, p); callee != nil && callee == c.api.ValueIn {
			return useLocal
		}
	case *ast.BinaryExpr:
		if p.Op == token.EQL || p.Op == token.NEQ {
			return useLocal
		}
	case *ast.ReturnStmt:
		if !inLit {
			return useReturned
		}
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if l == child {
				return useAssigned
			}
		}
		for j, r := range p.Rhs {
			if r == child && len(p.Lhs) == len(p.Rhs) {
				if id, ok := p.Lhs[j].(*ast.Ident); ok && id.Name == "_" {
					return useLocal // discarded
				}
			}
		}
	case *ast.IncDecStmt:
		return useAssigned
	}
	return useEscapes
}

// isVarMethod reports whether sel selects a method of *ctxvar.Var.
func (c *checker) isVarMethod(sel *ast.SelectorExpr) bool {
	s := c.pass.TypesInfo.Selections[sel]
	if s == nil || s.Kind() != types.MethodVal {
		return false
	}
	fn, ok := s.Obj().(*types.Func)
	return ok && fn.Pkg() == c.api.Pkg && c.api.IsVarType(s.Recv())
}

// runsNow reports whether function literal lit, whose enclosing nodes are
// outer, runs while the function that holds it runs, or on a goroutine it
// starts: called in place, deferred, started by go, or handed to
// ctxvar.Spawn, (*ctxvar.Context).Run or ctxvar.RunContext.
func (c *checker) runsNow(lit *ast.FuncLit, outer []ast.Node) bool {
	i, child := ctxvarapi.Enclosing(outer, lit)
	if i < 0 {
		return false
	}
	call, ok := outer[i].(*ast.CallExpr)
	if !ok {
		return false
	}
	if call.Fun == child {
		return true // called in place, by a defer or go statement or not
	}
	fn := c.api.Callee(c.pass.TypesInfo, call)
	return fn != nil && (fn == c.api.Spawn || fn == c.api.ContextRun || fn == c.api.RunContext)
}

// isCalledInPlace reports whether lit is called where it stands: func()
// { ... }().
func isCalledInPlace(lit *ast.FuncLit, outer []ast.Node) bool {
	i, child := ctxvarapi.Enclosing(outer, lit)
	if i < 0 {
		return false
	}
	call, ok := outer[i].(*ast.CallExpr)
	if !ok || call.Fun != child {
		return false
	}
	// A deferred literal or a goroutine runs later or elsewhere, but once
	// per call of the enclosing function too.
	return true
}

// runsOnce reports whether lit runs once at most: it is handed to
// sync.OnceFunc, sync.OnceValue, sync.OnceValues or (*sync.Once).Do.
func (c *checker) runsOnce(lit *ast.FuncLit, outer []ast.Node) bool {
	i, child := ctxvarapi.Enclosing(outer, lit)
	if i < 0 {
		return false
	}
	call, ok := outer[i].(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || call.Args[0] != child {
		return false
	}
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync" {
		return false
	}
	switch fn.Origin().Name() {
	case "OnceFunc", "OnceValue", "OnceValues":
		return fn.Signature().Recv() == nil
	case "Do":
		return fn.Signature().Recv() != nil
	}
	return false
}

// isTestFunc reports whether d is a test function of a _test.go file:
// TestXxx, BenchmarkXxx, FuzzXxx, ExampleXxx or TestMain.
func (c *checker) isTestFunc(f *ast.File, d *ast.FuncDecl) bool {
	if d.Recv != nil {
		return false
	}
	tf := c.pass.Fset.File(f.Pos())
	if tf == nil || !strings.HasSuffix(tf.Name(), "_test.go") {
		return false
	}
	name := d.Name.Name
	if name == "TestMain" {
		return true
	}
	for _, prefix := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// report reports a call that makes a fresh Var at each run.
func (c *checker) report(s *site) {
	name := c.declName(s)
	decl := fmt.Sprintf("var %s = %s", name, c.callText(s.call))
	var msg string
	what := "ctxvar.New"
	if s.callee != nil {
		what = c.shownFunc(s.callee)
	}
	switch {
	case s.callee != nil && s.loop:
		msg = fmt.Sprintf("%s returns a new Var at each call, and a loop in %s calls it at each iteration: values set on one Var are invisible through the next; call it once, at package level: %s",
			what, s.where, decl)
	case s.callee != nil:
		msg = fmt.Sprintf("%s returns a new Var at each call, and %s calls it at each of its own calls: values set on one Var are invisible through the next; call it once, at package level: %s",
			what, s.where, decl)
	case s.loop:
		msg = fmt.Sprintf("ctxvar.New in a loop in %s makes a new Var at each iteration: values set on one are invisible through the next; declare it once at package level: %s",
			s.where, decl)
	default:
		msg = fmt.Sprintf("ctxvar.New inside %s makes a new Var at each call: values set on it are invisible through the next one; declare it once at package level: %s",
			s.where, decl)
	}
	d := analysis.Diagnostic{Pos: s.call.Pos(), End: s.call.End(), Message: msg}
	if fix := c.fix(s); fix != nil {
		d.SuggestedFixes = []analysis.SuggestedFix{*fix}
	}
	c.r.Report(d)
}

// shownFunc names a factory as the code calls it.
func (c *checker) shownFunc(fn *types.Func) string {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if fn.Pkg() != c.pass.Pkg {
		name = fn.Pkg().Name() + "." + name
	}
	return name
}

// declName is the name the message's package-level declaration gives the
// Var: the local variable's, or the Var's name when it is an identifier.
func (c *checker) declName(s *site) string {
	if s.local != nil {
		return s.local.Name()
	}
	if len(s.call.Args) > 0 {
		if tv, ok := c.pass.TypesInfo.Types[s.call.Args[0]]; ok && tv.Value != nil {
			if name, err := strconv.Unquote(tv.Value.ExactString()); err == nil && token.IsIdentifier(name) && !token.IsKeyword(name) {
				return name
			}
		}
	}
	return "v"
}

// callText shows the call as a package-level declaration would write it:
// as the source does, or with its arguments elided when they are not
// constants or are too long.
func (c *checker) callText(call *ast.CallExpr) string {
	fun := types.ExprString(call.Fun)
	movable := true
	for _, arg := range call.Args {
		movable = movable && c.movable(arg)
	}
	if sel, ok := ast.Unparen(ctxvarapi.StripIndex(call.Fun)).(*ast.SelectorExpr); ok && c.pass.TypesInfo.Selections[sel] != nil {
		movable = false // a method of a value
	}
	if src := c.source(call); movable && src != "" && len(src) <= 72 && !strings.Contains(src, "\n") {
		return src
	}
	return fun + "(...)"
}

// source returns the source text of n, or "".
func (c *checker) source(n ast.Node) string {
	tf := c.pass.Fset.File(n.Pos())
	if tf == nil {
		return ""
	}
	src, err := c.pass.ReadFile(tf.Name())
	if err != nil {
		return ""
	}
	start, end := tf.Offset(n.Pos()), tf.Offset(n.End())
	if start < 0 || end > len(src) || start > end {
		return ""
	}
	return string(src[start:end])
}

// runtimeOwn reports whether pkg is the runtime or its external test
// package, whose tests make throwaway Vars and misuse tokens on purpose:
// they are the subject of the tests.
func runtimeOwn(pkg *types.Package) bool {
	return pkg.Path() == ctxvarapi.Path || pkg.Path() == ctxvarapi.Path+"_test"
}
