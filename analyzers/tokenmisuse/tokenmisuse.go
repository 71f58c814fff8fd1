package tokenmisuse

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/noreturn"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports Resets that panic or leak on some path. It requires
// barego.Analyzer, which tells it which calls run a function on another
// goroutine or in a copy of the Context: the flags of barego.Analyzer,
// -launchers and -spawners, configure both analyzers.
var Analyzer = New(barego.Analyzer)

// New returns a tokenmisuse analyzer that requires bg, a barego analyzer
// (barego.Analyzer, or one that barego.New made), and takes from its result
// which calls run their function arguments on another goroutine or in a copy
// of the Context: a token reset in such a function was made in another
// Context. As with unsetget.New, one run holds one barego analyzer: a
// driver that runs a barego analyzer made by barego.New runs the tokenmisuse
// analyzer New returns for it, in place of Analyzer. New panics if bg is not
// a barego analyzer.
func New(bg *analysis.Analyzer) *analysis.Analyzer {
	if bg == nil || bg.ResultType != reflect.TypeFor[*barego.Starts]() {
		panic(fmt.Sprintf("tokenmisuse.New: %v is not a barego analyzer", bg))
	}
	return &analysis.Analyzer{
		Name:     "tokenmisuse",
		Doc:      docs.MustExtract(doc, "tokenmisuse"),
		URL:      "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/tokenmisuse",
		Requires: []*analysis.Analyzer{reach.Analyzer, bg},
		Run: guard.Run(func(pass *analysis.Pass, at *guard.Position) (any, error) {
			starts, _ := pass.ResultOf[bg].(*barego.Starts)
			return run(pass, at, starts)
		}),
		FactTypes: []analysis.Fact{new(FreshVar), new(Resets), new(MakesToken)},
	}
}

// FreshVar is the fact of an exported package-level Var that its
// declaration creates with ctxvar.New and that its package never assigns:
// it is a Var of its own, distinct from every other such Var, and the same
// Var at every use.
type FreshVar struct{}

// AFact implements analysis.Fact.
func (*FreshVar) AFact() {}

func (*FreshVar) String() string { return "fresh Var" }

// Resets is the fact of an exported function or method that resets the
// tokens passed as some of its parameters, once each, on every path to a
// return, in the caller's Context.
type Resets struct {
	Params []int    // the parameters' indexes, the receiver not counted, ascending
	Names  []string // their names, for String
	// Vars holds, for each parameter, the fresh Var whose Reset the
	// function calls, as importpath.Name, or "" when it is another.
	Vars []string
	// Shown holds the Vars as code in another package names them
	// (pkg.Name), or "".
	Shown []string
}

// AFact implements analysis.Fact.
func (*Resets) AFact() {}

func (r *Resets) String() string {
	var parts []string
	for i, name := range r.Names {
		s := "resets " + name
		if r.Shown[i] != "" {
			s += " with " + r.Shown[i]
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// MakesToken is the fact of an exported function or method that returns,
// as one of its results, the token of a Set it makes in the caller's
// Context and does not reset.
type MakesToken struct {
	Result int    // the result's index
	Var    string // the fresh Var it sets, as importpath.Name, or ""
	Shown  string // that Var as code in another package names it, or ""
}

// AFact implements analysis.Fact.
func (*MakesToken) AFact() {}

func (m *MakesToken) String() string {
	if m.Shown != "" {
		return "returns a token of " + m.Shown
	}
	return "returns a token"
}

// A checker holds what the analysis of one package shares between its
// functions.
type checker struct {
	pass   *analysis.Pass
	api    *ctxvarapi.API
	starts *barego.Starts
	r      *report.Reporter
	ret    *noreturn.Returns
	cfgs   map[*ast.BlockStmt]*cfg.CFG

	fresh map[*types.Var]bool // the package's fresh Vars, exported or not

	// keys names the Vars the engine can identify: key 0 is unknown.
	keys     []keyInfo
	keyOf    map[string]int32     // package-level Vars, by importpath.Name
	localKey map[*types.Var]int32 // local variables holding a Var

	decls     map[*types.Func]*ast.FuncDecl
	summaries map[*types.Func]*summary
}

// keyInfo describes a Var the engine identifies.
type keyInfo struct {
	name  string // importpath.Name for a package-level Var
	shown string // as the code names it
	qual  string // as code in another package names it (package-level Vars)
	fresh bool   // created by its own ctxvar.New: distinct from every other fresh Var
	local *types.Var
}

func run(pass *analysis.Pass, at *guard.Position, starts *barego.Starts) (any, error) {
	api := pass.ResultOf[reach.Analyzer].(reach.Result).API
	if api == nil || api.Set == nil || api.Reset == nil || api.TokenType == nil {
		return nil, nil
	}
	if runtimeOwn(pass.Pkg) {
		return nil, nil
	}
	c := &checker{
		pass:      pass,
		api:       api,
		starts:    starts,
		r:         report.New(pass),
		ret:       noreturn.New(pass.TypesInfo, pass.Files),
		cfgs:      make(map[*ast.BlockStmt]*cfg.CFG),
		keys:      []keyInfo{{}},
		keyOf:     make(map[string]int32),
		localKey:  make(map[*types.Var]int32),
		decls:     make(map[*types.Func]*ast.FuncDecl),
		summaries: make(map[*types.Func]*summary),
	}
	c.findFresh()
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if obj, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					c.decls[obj] = fd
				}
			}
		}
	}
	c.exportSummaries(at)

	resets := c.resetPositions()
	if len(resets) == 0 {
		return nil, nil
	}
	for _, f := range pass.Files {
		if ast.IsGenerated(f) {
			continue
		}
		for _, d := range f.Decls {
			if i, _ := slices.BinarySearch(resets, d.Pos()); i == len(resets) || resets[i] >= d.End() {
				continue
			}
			at.At(d.Pos())
			for _, u := range c.collectUnits(d) {
				if !u.hasReset || u.hasGoto {
					continue
				}
				at.At(u.node.Pos())
				e := newEngine(c, u, nil)
				e.analyze()
				if !e.bailed {
					for _, d := range e.diags {
						c.r.Report(d)
					}
				}
			}
		}
	}
	return nil, nil
}

// resetPositions returns, in order, the positions of the package's
// references to Reset and to the functions that may reset tokens passed to
// them: the calls the engine must see are among them.
func (c *checker) resetPositions() []token.Pos {
	var pos []token.Pos
	for id, obj := range c.pass.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		if fn.Origin() == c.api.Reset || c.hasTokenParam(fn) {
			pos = append(pos, id.Pos())
		}
	}
	slices.Sort(pos)
	return pos
}

// hasTokenParam reports whether fn takes a token parameter: a function
// that may reset it.
func (c *checker) hasTokenParam(fn *types.Func) bool {
	params := fn.Signature().Params()
	for i := range params.Len() {
		if c.isToken(params.At(i).Type()) {
			return true
		}
	}
	return false
}

// mayReset reports whether call calls a function whose summary may say it
// resets a token argument.
func (c *checker) mayReset(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(c.pass.TypesInfo, call).(*types.Func)
	return ok && c.hasTokenParam(fn)
}

// isToken reports whether t is *ctxvar.Token[T] for some T.
func (c *checker) isToken(t types.Type) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Origin().Obj() == c.api.TokenType
}

// isContext reports whether t is *ctxvar.Context.
func (c *checker) isContext(t types.Type) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok || c.api.ContextType == nil {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Obj() == c.api.ContextType
}

// graph returns the control-flow graph of a function body.
func (c *checker) graph(body *ast.BlockStmt) *cfg.CFG {
	g, ok := c.cfgs[body]
	if !ok {
		g = c.ret.Graph(body)
		c.cfgs[body] = g
	}
	return g
}

// findFresh finds the package's fresh Vars: package-level variables whose
// declaration initializes them with a call of ctxvar.New and that no
// statement of the package assigns or takes the address of. It exports a
// FreshVar fact for the exported ones.
func (c *checker) findFresh() {
	info := c.pass.TypesInfo
	c.fresh = make(map[*types.Var]bool)
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Names) != len(vs.Values) {
					continue
				}
				for i, name := range vs.Names {
					call, ok := ast.Unparen(vs.Values[i]).(*ast.CallExpr)
					if !ok || c.api.Callee(info, call) != c.api.New || c.api.New == nil {
						continue
					}
					if v, ok := info.Defs[name].(*types.Var); ok {
						c.fresh[v] = true
					}
				}
			}
		}
	}
	if len(c.fresh) == 0 {
		return
	}
	for _, f := range c.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			var targets []ast.Expr
			switch n := n.(type) {
			case *ast.AssignStmt:
				targets = n.Lhs
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					targets = []ast.Expr{n.X}
				}
			case *ast.RangeStmt:
				targets = []ast.Expr{n.Key, n.Value}
			}
			for _, t := range targets {
				if id, ok := ast.Unparen(t).(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok {
						delete(c.fresh, v)
					}
				}
			}
			return true
		})
	}
	for v := range c.fresh {
		if v.Exported() {
			c.pass.ExportObjectFact(v, new(FreshVar))
		}
	}
}

// pkgKey returns the key of a package-level Var, or 0 when the engine
// cannot tell it is the same Var at each use.
func (c *checker) pkgKey(v *types.Var) int32 {
	if v.Pkg() == nil {
		return 0
	}
	fresh := false
	if v.Pkg() == c.pass.Pkg {
		fresh = c.fresh[v]
	} else {
		fresh = c.pass.ImportObjectFact(v, new(FreshVar))
	}
	if !fresh {
		return 0
	}
	return c.internKey(v.Pkg().Path()+"."+v.Name(), c.shownVar(v), v.Pkg().Name()+"."+v.Name())
}

// internKey returns the key of a fresh package-level Var, named
// importpath.Name, shown as code in this package and in others name it.
func (c *checker) internKey(name, shown, qual string) int32 {
	if k, ok := c.keyOf[name]; ok {
		return k
	}
	k := int32(len(c.keys))
	c.keys = append(c.keys, keyInfo{name: name, shown: shown, qual: qual, fresh: true})
	c.keyOf[name] = k
	return k
}

// shownVar names a package-level Var as code in this package does.
func (c *checker) shownVar(v *types.Var) string {
	if v.Pkg() == c.pass.Pkg {
		return v.Name()
	}
	return v.Pkg().Name() + "." + v.Name()
}

// varKey returns the key of the Var that e, the receiver of a Set or
// Reset, denotes in unit u: a fresh package-level Var, or a local variable
// of u assigned once; 0 when it is another expression.
func (c *checker) varKey(u *unit, e ast.Expr) int32 {
	info := c.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[e].(*types.Var)
		if !ok {
			return 0
		}
		if v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
			return c.pkgKey(v)
		}
		// Only a variable of type *Var: a struct that embeds one may
		// change its field without being assigned.
		if !u.stable[v] || !c.api.IsVarType(v.Type()) {
			return 0
		}
		if k, ok := c.localKey[v]; ok {
			return k
		}
		k := int32(len(c.keys))
		c.keys = append(c.keys, keyInfo{shown: v.Name(), fresh: u.newDefined[v], local: v})
		c.localKey[v] = k
		return k
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if _, ok := info.Uses[id].(*types.PkgName); ok {
				if v, ok := info.Uses[e.Sel].(*types.Var); ok {
					return c.pkgKey(v)
				}
			}
		}
	}
	return 0
}

// displayName names fn the way messages show it: errgroup.(*Group).Go,
// time.AfterFunc; "the callee" when it is unknown.
func displayName(fn *types.Func) string {
	if fn == nil {
		return "the callee"
	}
	return ctxvarapi.DisplayName(fn)
}

// runtimeOwn reports whether pkg is the runtime or its external test
// package, whose tests make throwaway Vars and misuse tokens on purpose:
// they are the subject of the tests.
func runtimeOwn(pkg *types.Package) bool {
	return pkg.Path() == ctxvarapi.Path || pkg.Path() == ctxvarapi.Path+"_test"
}
