package unsetget

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"

	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports Gets that can panic with a LookupError. It requires
// barego.Analyzer, which tells it which calls start goroutines: the flags
// of barego.Analyzer, -launchers and -spawners, configure both analyzers.
var Analyzer = New(barego.Analyzer)

// New returns an unsetget analyzer that requires bg, a barego analyzer
// (barego.Analyzer, or one that barego.New made), and takes from its
// result which calls start goroutines and in which Context: the function
// arguments of launchers start with an empty Context, those of spawners
// with a copy of the caller's. The two analyzers then agree on the
// launchers and spawners that bg's configuration adds.
//
// One run holds one barego analyzer, since barego analyzers share their
// fact types: a driver that runs a barego analyzer made by barego.New runs
// the unsetget analyzer New returns for it, in place of Analyzer. A driver
// runs bg for unsetget also when barego is not among the analyzers it is
// asked to run, and then shows none of bg's findings, as drivers show only
// those of the analyzers asked for. New panics if bg is not a barego
// analyzer.
func New(bg *analysis.Analyzer) *analysis.Analyzer {
	if bg == nil || bg.ResultType != reflect.TypeFor[*barego.Starts]() {
		panic(fmt.Sprintf("unsetget.New: %v is not a barego analyzer", bg))
	}
	return &analysis.Analyzer{
		Name: "unsetget",
		Doc:  docs.MustExtract(doc, "unsetget"),
		URL:  "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/unsetget",
		Run: guard.Run(func(pass *analysis.Pass, at *guard.Position) (any, error) {
			// The result of the barego this analyzer was made with: a driver
			// holds one barego, but not necessarily barego.Analyzer.
			starts, _ := pass.ResultOf[bg].(*barego.Starts)
			return run(pass, at, starts)
		}),
		Requires:  []*analysis.Analyzer{reach.Analyzer, bg},
		FactTypes: []analysis.Fact{new(VarFact), new(FuncFact), new(PkgFact)},
	}
}

// A VarFact records, on a package-level Var initialized by a plain
// ctxvar.New call, whether the Var has a default, so that importers know
// whether its Get can panic.
type VarFact struct {
	HasDefault bool
}

// AFact implements analysis.Fact.
func (*VarFact) AFact() {}

func (f *VarFact) String() string {
	if f.HasDefault {
		return "hasDefault"
	}
	return "noDefault"
}

// A VarID names a package-level Var in a way that survives the trip
// between packages.
type VarID struct {
	PkgPath, PkgName, Name string
}

func (v VarID) key() string { return v.PkgPath + "." + v.Name }

// A Requirement is a Var, without a default, that a function reads with
// Get on some path before any Set of it: the caller must have set it.
type Requirement struct {
	Var VarID
	Get string // where the Get is, as file.go:line
}

// A FuncFact summarizes what calling a function does with the Vars of the
// calling goroutine's Context. Slices are sorted by package path and name.
type FuncFact struct {
	Requires []Requirement // Vars read by Get before being Set
	Sets     []VarID       // Vars set on every path by which the function returns
	MaySet   []VarID       // Vars the function, or anything it refers to, may Set
	NoReturn bool          // the function never returns normally
}

// AFact implements analysis.Fact.
func (*FuncFact) AFact() {}

func (f *FuncFact) String() string {
	var parts []string
	if len(f.Requires) > 0 {
		names := make([]string, len(f.Requires))
		for i, r := range f.Requires {
			names[i] = r.Var.Name
		}
		parts = append(parts, "requires "+strings.Join(names, ", "))
	}
	if len(f.Sets) > 0 {
		parts = append(parts, "sets "+joinNames(f.Sets))
	}
	if len(f.MaySet) > 0 {
		parts = append(parts, "may set "+joinNames(f.MaySet))
	}
	if f.NoReturn {
		parts = append(parts, "noReturn")
	}
	return strings.Join(parts, "; ")
}

// A PkgFact records what a package may do to Vars out of sight of the
// functions that call it. Facts of all the packages a package imports,
// directly or not, are read.
type PkgFact struct {
	InitSets  []VarID // Vars that package initialization may leave set, for main and TestMain
	Escaped   []VarID // Vars whose *Var is stored or passed around: they may be Set under another name
	ValueSets []VarID // Vars that the closures and function values it makes may Set when called
}

// AFact implements analysis.Fact.
func (*PkgFact) AFact() {}

func (f *PkgFact) String() string {
	var parts []string
	if len(f.InitSets) > 0 {
		parts = append(parts, "initialization may set "+joinNames(f.InitSets))
	}
	if len(f.Escaped) > 0 {
		parts = append(parts, "escaped "+joinNames(f.Escaped))
	}
	if len(f.ValueSets) > 0 {
		parts = append(parts, "func values may set "+joinNames(f.ValueSets))
	}
	return strings.Join(parts, "; ")
}

func joinNames(ids []VarID) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.Name
	}
	return strings.Join(names, ", ")
}

type varStatus int

const (
	statusUnknown varStatus = iota
	statusNoDefault
	statusHasDefault
)

// A summary is what a caller needs to know about a function: FuncFact in
// the form the analysis uses.
type summary struct {
	requires []Requirement
	reqVars  []int // the numbers of the Vars of requires
	sets     *varSet
	maySet   *varSet
	noReturn bool
}

func (c *checker) fact(s *summary) *FuncFact {
	return &FuncFact{Requires: s.requires, Sets: c.sorted(s.sets), MaySet: c.sorted(s.maySet), NoReturn: s.noReturn}
}

func (s *summary) empty() bool {
	return len(s.requires) == 0 && s.sets.empty() && s.maySet.empty() && !s.noReturn
}

func sameSummary(a, b *summary) bool {
	return slices.Equal(a.requires, b.requires) && a.sets.equal(b.sets)
}

// checker holds what one pass knows about the package's Vars and functions.
type checker struct {
	pass     *analysis.Pass
	api      *ctxvarapi.API
	goStarts *barego.Starts // which calls start goroutines, from barego
	rep      *report.Reporter
	at       *guard.Position

	varIDs  []VarID       // the Vars, by number
	varKeys []string      // their keys, by number, once needed
	varNum  map[VarID]int // the numbers of varIDs
	objNum  map[*types.Var]int

	localStatus map[*types.Var]varStatus
	unsure      *varSet // Vars assigned or addressed after their declaration

	decls     map[*types.Func]*ast.FuncDecl
	declOrder []*types.Func
	callees   map[*types.Func][]*types.Func // the package's functions each refers to
	noReturn  map[*types.Func]bool
	cfgs      map[*ast.BlockStmt]*cfg.CFG
	bodies    map[*ast.BlockStmt]*bodyInfo
	maySets   map[*types.Func]*varSet
	sums      map[*types.Func]*summary
	litSums   map[*ast.FuncLit]*summary
	litMay    map[*ast.FuncLit]*varSet
	imported  map[*types.Func]*summary
	varFact   VarFact  // where status imports a fact, which it does not keep
	funcFact  FuncFact // where summaryOf imports a fact, which it does not keep
	// Uses of Vars other than as the receiver of a call of one of their
	// methods, to the Vars' numbers.
	escIdents map[*ast.Ident]int
	escSels   map[*ast.SelectorExpr]int

	calls      map[*ast.CallExpr]*callInfo
	callChunk  []callInfo         // where callOf allocates the next callInfo
	methodSets map[string]*varSet // methodMay, once computeMaySets is done

	contribs    map[*types.Func]*contrib
	litContribs map[*ast.FuncLit]*contrib
	values      []valuePart  // the package's function literals and functions used as values
	valueParts  []*contrib   // their contributions
	starts      [][]ast.Node // by file, the go statements and calls of launchers
	escaped     *varSet      // Vars escaped here or in imported packages
	ownEscaped  *varSet      // Vars escaped here
	valueMay    *varSet      // what function values made here or in imported packages may Set
	ownValueMay *varSet      // what function values made here may Set
	methodsOf   map[string][]*types.Func
	importedMay map[string]*varSet // by method name, what methods of imported packages may Set

	initImports *varSet // what imported packages' initialization may set
	varInitMay  *varSet // what package-level variable initializers may set
	initMay     map[*ast.FuncDecl]*varSet
}

// run analyzes a package; starts tells which calls start goroutines (nil,
// on a pass without barego's result, knows barego's builtin launchers).
func run(pass *analysis.Pass, at *guard.Position, starts *barego.Starts) (any, error) {
	rr := pass.ResultOf[reach.Analyzer].(reach.Result)
	if !rr.Reaches {
		return nil, nil
	}
	api := rr.API
	if api == nil {
		// The runtime is out of sight (the package reaches it only through
		// imports whose export data does not mention it): no Var can be
		// named here, but calls still carry their callees' facts.
		api = &ctxvarapi.API{Pkg: types.NewPackage(ctxvarapi.Path, "ctxvar")}
	}
	c := &checker{
		pass:        pass,
		api:         api,
		goStarts:    starts,
		rep:         report.New(pass),
		at:          at,
		varNum:      make(map[VarID]int),
		objNum:      make(map[*types.Var]int),
		localStatus: make(map[*types.Var]varStatus),
		unsure:      newVarSet(),
		decls:       make(map[*types.Func]*ast.FuncDecl),
		noReturn:    make(map[*types.Func]bool),
		cfgs:        make(map[*ast.BlockStmt]*cfg.CFG),
		bodies:      make(map[*ast.BlockStmt]*bodyInfo),
		maySets:     make(map[*types.Func]*varSet),
		sums:        make(map[*types.Func]*summary),
		litSums:     make(map[*ast.FuncLit]*summary),
		litMay:      make(map[*ast.FuncLit]*varSet),
		imported:    make(map[*types.Func]*summary),
		escIdents:   make(map[*ast.Ident]int),
		escSels:     make(map[*ast.SelectorExpr]int),
		calls:       make(map[*ast.CallExpr]*callInfo),
		contribs:    make(map[*types.Func]*contrib),
		litContribs: make(map[*ast.FuncLit]*contrib),
		escaped:     newVarSet(),
		valueMay:    newVarSet(),
		methodsOf:   make(map[string][]*types.Func),
		initMay:     make(map[*ast.FuncDecl]*varSet),
	}
	c.collectDecls()
	c.scan()
	c.computeNoReturn()
	c.importPkgFacts()
	c.computeMaySets()
	c.computeSummaries()
	c.exportFacts()
	c.checkEntries()
	return nil, nil
}

// trackedVar returns the package-level *ctxvar.Var that expr names, or nil
// for anything else (fields, locals, parameters, computed expressions).
func (c *checker) trackedVar(expr ast.Expr) *types.Var {
	v := ctxvarapi.VarObject(c.pass.TypesInfo, expr)
	if v == nil || !c.tracked(v) {
		return nil
	}
	return v
}

// tracked reports whether v is a package-level *ctxvar.Var.
func (c *checker) tracked(v *types.Var) bool {
	return !v.IsField() && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && c.isVarType(v.Type())
}

func (c *checker) isVarType(t types.Type) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Origin().Obj() == c.api.VarType
}

func varID(v *types.Var) VarID {
	return VarID{PkgPath: v.Pkg().Path(), PkgName: v.Pkg().Name(), Name: v.Name()}
}

// numOf returns the number of the package-level Var v.
func (c *checker) numOf(v *types.Var) int {
	i, ok := c.objNum[v]
	if !ok {
		i = c.num(varID(v))
		c.objNum[v] = i
	}
	return i
}

// status tells whether Get on v can panic: only a Var known to have been
// created without a default counts.
func (c *checker) status(v *types.Var) varStatus {
	if c.unsure.has(c.numOf(v)) {
		return statusUnknown
	}
	if v.Pkg() == c.pass.Pkg {
		return c.localStatus[v]
	}
	if f := &c.varFact; c.pass.ImportObjectFact(v, f) {
		if f.HasDefault {
			return statusHasDefault
		}
		return statusNoDefault
	}
	return statusUnknown
}

// initStatus reads a Var's initializer: only ctxvar.New with options that
// are all direct ctxvar.Default calls says for sure.
func (c *checker) initStatus(init ast.Expr) varStatus {
	call, ok := ast.Unparen(init).(*ast.CallExpr)
	if !ok || c.api.New == nil || c.api.Callee(c.pass.TypesInfo, call) != c.api.New || call.Ellipsis.IsValid() {
		return statusUnknown
	}
	if len(call.Args) <= 1 {
		return statusNoDefault
	}
	for _, opt := range call.Args[1:] {
		oc, ok := ast.Unparen(opt).(*ast.CallExpr)
		if !ok || c.api.Default == nil || c.api.Callee(c.pass.TypesInfo, oc) != c.api.Default {
			return statusUnknown
		}
	}
	return statusHasDefault
}

func (c *checker) collectDecls() {
	for _, file := range c.pass.Files {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			if fd.Name.Name == "init" && fd.Recv == nil {
				// init functions cannot be referred to; they are entries only.
				continue
			}
			c.decls[fn] = fd
			c.declOrder = append(c.declOrder, fn)
		}
	}
}

// cfgOf returns the control-flow graph of a function body, built once the
// package's functions that never return are known.
func (c *checker) cfgOf(body *ast.BlockStmt) *cfg.CFG {
	g, ok := c.cfgs[body]
	if !ok {
		g = cfg.New(body, c.mayReturn)
		c.cfgs[body] = g
	}
	return g
}

// neverReturns names functions and methods that, by convention, end the
// goroutine or the program. Treating a call as one that returns only adds
// paths, so a wrong guess here can hide a report but never make one.
var neverReturns = map[string]bool{
	"Exit": true, "Exitf": true, "Goexit": true,
	"Fatal": true, "Fatalf": true, "Fatalln": true,
	"Panic": true, "Panicf": true, "Panicln": true,
	"FailNow": true, "SkipNow": true, "Skip": true, "Skipf": true,
}

func (c *checker) mayReturn(call *ast.CallExpr) bool {
	switch fn := c.callOf(call).callee.(type) {
	case *types.Builtin:
		return fn.Name() != "panic"
	case *types.Func:
		fn = fn.Origin()
		if neverReturns[fn.Name()] || c.noReturn[fn] {
			return false
		}
		if fn.Pkg() != c.pass.Pkg {
			if s := c.summaryOf(fn); s != nil && s.noReturn {
				return false
			}
		}
	}
	return true
}

// computeNoReturn finds the package's functions that never return, until
// no more are found: each one found can make its callers never return.
// The graphs it builds are kept for the analysis. A function's graph
// changes only when one of the functions it refers to is found never to
// return, so only then is it built again.
func (c *checker) computeNoReturn() {
	builtAt := make(map[*types.Func]int) // how many had been found when fn's graph was built
	foundAt := make(map[*types.Func]int) // how many had been found when fn was, itself included
	found := 0
	stale := func(fn *types.Func) bool {
		for _, g := range c.callees[fn] {
			if c.noReturn[g] && foundAt[g] > builtAt[fn] {
				return true
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range c.declOrder {
			body := c.decls[fn].Body
			if c.noReturn[fn] || c.cfgs[body] != nil && !stale(fn) {
				continue
			}
			c.at.At(c.decls[fn].Pos())
			g := cfg.New(body, c.mayReturn)
			c.cfgs[body] = g
			builtAt[fn] = found
			if g.NoReturn() {
				c.noReturn[fn] = true
				found++
				foundAt[fn] = found
				changed = true
			}
		}
	}
	for _, fn := range c.declOrder {
		if c.noReturn[fn] && stale(fn) {
			delete(c.cfgs, c.decls[fn].Body) // cfgOf builds it again
		}
	}
}

// summaryOf returns what is known about calling fn, or nil.
func (c *checker) summaryOf(fn *types.Func) *summary {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.sums[fn]
	}
	if s, ok := c.imported[fn]; ok {
		return s
	}
	var s *summary
	if f := &c.funcFact; fn.Pkg() != nil && c.pass.ImportObjectFact(fn, f) {
		s = &summary{requires: f.Requires, reqVars: c.reqVars(f.Requires), sets: c.setOf(f.Sets), maySet: c.setOf(f.MaySet), noReturn: f.NoReturn}
	}
	c.imported[fn] = s
	return s
}

// computeSummaries summarizes the package's functions callees first, one
// strongly connected component of the call graph at a time; recursion is
// solved by iteration, starting from the assumption that a function sets
// whatever it may set.
func (c *checker) computeSummaries() {
	callees := c.callees
	for _, scc := range components(c.declOrder, callees) {
		recursive := len(scc) > 1 || slices.Contains(callees[scc[0]], scc[0])
		if !recursive {
			c.sums[scc[0]] = c.summarize(scc[0])
			continue
		}
		for _, fn := range scc {
			c.sums[fn] = &summary{sets: c.maySets[fn].clone(), maySet: c.maySets[fn], noReturn: c.noReturn[fn]}
		}
		converged := false
		for range 10 {
			clear(c.litSums)
			changed := false
			for _, fn := range scc {
				s := c.summarize(fn)
				if !sameSummary(s, c.sums[fn]) {
					changed = true
				}
				c.sums[fn] = s
			}
			if !changed {
				converged = true
				break
			}
		}
		if !converged {
			for _, fn := range scc {
				c.sums[fn] = &summary{sets: c.maySets[fn].clone(), maySet: c.maySets[fn], noReturn: c.noReturn[fn]}
			}
		}
		clear(c.litSums)
	}
}

func (c *checker) summarize(fn *types.Func) *summary {
	decl := c.decls[fn]
	c.at.At(decl.Pos())
	res := c.analyze(decl.Body, nil)
	reqs := requirements(res.findings)
	return &summary{
		requires: reqs,
		reqVars:  c.reqVars(reqs),
		sets:     res.exit,
		maySet:   c.maySets[fn],
		noReturn: c.noReturn[fn],
	}
}

// requirements turns the findings of a function that is not an entry into
// what its callers must provide: one per Var, naming the first Get.
func requirements(findings []finding) []Requirement {
	first := make(map[string]finding)
	for _, f := range findings {
		k := f.v.key()
		if g, ok := first[k]; !ok || f.pos < g.pos {
			first[k] = f
		}
	}
	if len(first) == 0 {
		return nil
	}
	reqs := make([]Requirement, 0, len(first))
	for _, f := range first {
		reqs = append(reqs, Requirement{Var: f.v, Get: f.get})
	}
	slices.SortFunc(reqs, func(a, b Requirement) int { return strings.Compare(a.Var.key(), b.Var.key()) })
	return reqs
}

func (c *checker) reqVars(reqs []Requirement) []int {
	if len(reqs) == 0 {
		return nil
	}
	nums := make([]int, len(reqs))
	for i, r := range reqs {
		nums[i] = c.num(r.Var)
	}
	return nums
}

// components returns the strongly connected components of the call graph,
// callees before callers (Tarjan's algorithm emits them in that order).
func components(nodes []*types.Func, edges map[*types.Func][]*types.Func) [][]*types.Func {
	// The nodes by number, their position in nodes; every edge leads to
	// one of them.
	pos := make(map[*types.Func]int, len(nodes))
	for i, v := range nodes {
		pos[v] = i
	}
	index := make([]int, len(nodes)) // 0: not visited yet; the visit's order from 1
	low := make([]int, len(nodes))
	onStack := make([]bool, len(nodes))
	var stack []int
	var out [][]*types.Func
	members := make([]*types.Func, 0, len(nodes)) // each node is in one component
	next := 0
	var visit func(v int)
	visit = func(v int) {
		next++
		index[v], low[v] = next, next
		stack = append(stack, v)
		onStack[v] = true
		for _, g := range edges[nodes[v]] {
			if w := pos[g]; index[w] == 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			start := len(members)
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				members = append(members, nodes[w])
				if w == v {
					break
				}
			}
			out = append(out, members[start:len(members):len(members)])
		}
	}
	for v := range nodes {
		if index[v] == 0 {
			visit(v)
		}
	}
	return out
}

func (c *checker) exportFacts() {
	for v, st := range c.localStatus {
		if st != statusUnknown && !c.unsure.has(c.numOf(v)) {
			c.pass.ExportObjectFact(v, &VarFact{HasDefault: st == statusHasDefault})
		}
	}
	for _, fn := range c.declOrder {
		// Entries are not called: main cannot be, and the testing package
		// finds tests by name.
		if s := c.sums[fn]; s != nil && !s.empty() && !c.isEntry(c.decls[fn]) {
			c.pass.ExportObjectFact(fn, c.fact(s))
		}
	}
	own := c.varInitMay.clone()
	for _, m := range c.initMay {
		own.addAll(m)
	}
	f := &PkgFact{InitSets: c.sorted(own), Escaped: c.sorted(c.ownEscaped), ValueSets: c.sorted(c.ownValueMay)}
	if len(f.InitSets) > 0 || len(f.Escaped) > 0 || len(f.ValueSets) > 0 {
		c.pass.ExportPackageFact(f)
	}
}

func (c *checker) where(pos token.Pos) string {
	p := c.pass.Fset.Position(pos)
	return filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line)
}

// display names a Var as code in this package refers to it.
func (c *checker) display(v VarID) string {
	if v.PkgPath == c.pass.Pkg.Path() {
		return v.Name
	}
	return v.PkgName + "." + v.Name
}

// funcName names a function as code in this package refers to it, with
// its receiver's type for a method.
func (c *checker) funcName(fn *types.Func) string {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := types.Unalias(recv.Type())
		if p, ok := t.(*types.Pointer); ok {
			t = types.Unalias(p.Elem())
		}
		if n, ok := t.(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if fn.Pkg() != nil && fn.Pkg() != c.pass.Pkg {
		name = fn.Pkg().Name() + "." + name
	}
	return name
}
