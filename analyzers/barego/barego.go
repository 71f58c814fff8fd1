package barego

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
	"github.com/ctxvar/ctxvar/analyzers/internal/funcvals"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
	"github.com/ctxvar/ctxvar/analyzers/internal/report"
)

//go:embed doc.go
var doc string

// Analyzer reports goroutines started without their parent's Context
// whose functions use context variables. It is configured by its flags,
// -launchers and -spawners, which take the comma-separated lists of Config.
// Its result is a *Starts; unsetget.Analyzer requires it, so the flags
// configure both.
var Analyzer = newFlagAnalyzer()

// New returns a barego analyzer configured by c, whose result is a
// *Starts. The error names a malformed entry of c, or one listed both as a
// launcher and as a spawner. unsetget.New makes the unsetget analyzer that
// takes its launchers and spawners from it.
//
// The analyzers New returns, and Analyzer, share their fact types, which an
// analysis driver accepts from one analyzer only: one run holds one barego
// analyzer, and drivers that validate their analyzers with
// analysis.Validate, as those of golang.org/x/tools and golangci-lint do,
// refuse two.
func New(c Config) (*analysis.Analyzer, error) {
	s, err := c.compile()
	if err != nil {
		return nil, err
	}
	return newAnalyzer(func() *settings { return s }), nil
}

func newFlagAnalyzer() *analysis.Analyzer {
	config := newFlagConfig()
	a := newAnalyzer(config.settings.Load)
	a.Flags.Var(listFlag{config, &config.cfg.Launchers}, "launchers",
		"comma-separated functions and methods that run their func arguments on another goroutine, "+
			"as importpath.Func, (*importpath.Type).Method or importpath.Type.Method")
	a.Flags.Var(listFlag{config, &config.cfg.Spawners}, "spawners",
		"comma-separated functions and methods that run their func arguments in a copy of the caller's Context, "+
			"as ctxvar.Spawn does, in the forms of -launchers")
	return a
}

// newAnalyzer returns a barego analyzer whose passes get their settings
// from settings, once each.
func newAnalyzer(settings func() *settings) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:     "barego",
		Doc:      docs.MustExtract(doc, "barego"),
		URL:      "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/barego",
		Requires: []*analysis.Analyzer{reach.Analyzer},
		Run: guard.Run(func(pass *analysis.Pass, at *guard.Position) (any, error) {
			return run(pass, at, settings())
		}),
		FactTypes:  []analysis.Fact{new(Uses), new(Launcher), new(Binder), new(SlogHandler)},
		ResultType: reflect.TypeFor[*Starts](),
	}
}

// run analyzes a package and returns its Starts, also when the package
// cannot reach the runtime: the analyzers that require barego ask it
// whatever the package.
func run(pass *analysis.Pass, at *guard.Position, s *settings) (any, error) {
	rr := pass.ResultOf[reach.Analyzer].(reach.Result)
	if !rr.Reaches {
		return newStarts(s, nil), nil
	}
	pa := newPkgAnalysis(pass, at, s, rr.API)
	pa.findHandlerVars()
	pa.summarize()
	pa.findWrappers()
	pa.exportUsesFacts()
	pa.exportWrapperFacts()
	starts := newStarts(s, pa)

	r := report.New(pass)
	for _, f := range pa.files {
		for _, c := range f.checks {
			at.At(c.node.Pos())
			switch n := c.node.(type) {
			case *ast.GoStmt:
				pa.checkGo(r, f.file, c, n)
			case *ast.CallExpr:
				pa.checkLaunch(r, f.file, c, n)
			}
		}
	}
	return starts, nil
}

func (pa *pkgAnalysis) exportUsesFacts() {
	for obj, fn := range pa.decls {
		if fn.sum.empty() {
			continue
		}
		// A parameter of obj, by index: the receiver is -1, and another
		// function's parameter (none should reach here) is left out.
		index := func(p *types.Var) int {
			if i, ok := pa.params[p]; ok && paramAt(obj, i) == p {
				return i
			}
			return -2
		}
		u := fn.sum.fact(pa.pass.Pkg.Path(), index)
		u.ParamReads = slices.DeleteFunc(u.ParamReads, func(r ParamRead) bool { return r.Param == -2 })
		if len(u.ParamReads) == 0 {
			u.ParamReads = nil
		}
		if slices.ContainsFunc(u.ParamSets, func(p ParamVar) bool { return p.Param == -2 }) {
			u.ParamSets = slices.DeleteFunc(u.ParamSets, func(p ParamVar) bool { return p.Param == -2 })
			u.SetsAny = true
		}
		if len(u.ParamSets) == 0 {
			u.ParamSets = nil
		}
		if fn.sum.usesContext() {
			u.Loop = pa.loopOf(fn)
		}
		pa.pass.ExportObjectFact(obj, u)
	}
}

// checkGo reports a go statement whose function uses the Context.
func (pa *pkgAnalysis) checkGo(r *report.Reporter, file *ast.File, c check, g *ast.GoStmt) {
	a := pa.classifyCall(g.Call, typeutil.Callee(pa.info, g.Call), nil)
	sum := pa.actionSummary(a, g.Call)
	if !sum.usesContext() || r.Suppressed(g.Pos()) {
		return
	}
	d := analysis.Diagnostic{
		Pos: g.Pos(),
		End: g.End(),
	}
	if loop := pa.actionLoop(a); loop != nil {
		// Spawn here would freeze the values of whoever ran this code
		// into every unit of work the loop ever serves.
		d.Message = "goroutine started with go runs with an empty Context: " + pa.describe(sum) + "; " + pa.loopAdvice(c, g.Call.Fun, loop)
		r.Report(d)
		return
	}
	d.Message = "goroutine started with go runs with an empty Context: " + pa.describe(sum) + "; start it with ctxvar.Spawn"
	if fix := pa.goFix(file, c, g); fix != nil {
		d.SuggestedFixes = []analysis.SuggestedFix{*fix}
	}
	r.Report(d)
}

// checkLaunch reports a call of a launcher whose function arguments use the
// Context.
func (pa *pkgAnalysis) checkLaunch(r *report.Reporter, file *ast.File, c check, call *ast.CallExpr) {
	launcher, idx := pa.launchedArgs(call)
	for _, i := range idx {
		arg := call.Args[i]
		a := pa.valueAction(arg)
		sum := pa.actionSummary(a, nil)
		if !sum.usesContext() || r.Suppressed(arg.Pos()) {
			continue
		}
		prefix := fmt.Sprintf("%s runs its function on another goroutine with an empty Context: %s; ",
			displayName(launcher), pa.describe(sum))
		if loop := pa.actionLoop(a); loop != nil {
			r.Report(analysis.Diagnostic{Pos: arg.Pos(), End: arg.End(), Message: prefix + pa.loopAdvice(c, arg, loop)})
			continue
		}
		binder := pa.binderFor(call, launcher, i)
		advice := "capture the Context with ctxvar.Copy and run the function inside its Run"
		if binder != "" {
			advice = "wrap the function with ctxvar." + binder
		}
		d := analysis.Diagnostic{
			Pos:     arg.Pos(),
			End:     arg.End(),
			Message: prefix + advice,
		}
		if binder != "" {
			if fix := pa.wrapFix(file, arg, binder); fix != nil {
				d.SuggestedFixes = []analysis.SuggestedFix{*fix}
			}
		}
		r.Report(d)
	}
}

// actionSummary returns the summary of what a call's action does with the
// Context; call binds the parameters of the function it calls, and is nil
// for a function that runs with arguments of its launcher's.
func (pa *pkgAnalysis) actionSummary(a *action, call *ast.CallExpr) *summary {
	if a == nil {
		return nil
	}
	s := new(summary)
	pa.apply(s, a, call, varState{})
	return s
}

// valueAction returns the action of calling, with arguments that do not
// matter, the function a func-valued expression denotes, when it can be
// resolved: a function literal, a function, a method value or expression
// of a concrete type, or a local variable (or a field or element of a
// local literal) that funcvals resolves.
func (pa *pkgAnalysis) valueAction(e ast.Expr) *action {
	if lit, ok := ast.Unparen(e).(*ast.FuncLit); ok {
		return &action{kind: evCall, lit: lit}
	}
	if fn := pa.funcValue(e); fn != nil {
		return pa.funcAction(fn)
	}
	vals, ok := pa.funcValues().Values(e)
	if !ok {
		return nil
	}
	var alts []*action
	for _, v := range vals {
		var a *action
		switch v.Kind {
		case funcvals.Nil:
			a = nilCall
		case funcvals.Lit:
			a = &action{kind: evCall, lit: v.Lit}
		case funcvals.Func, funcvals.MethodExpr:
			a = pa.funcAction(v.Func)
		case funcvals.Method:
			if !isInterfaceMethod(v.Func) {
				a = pa.funcAction(v.Func)
			}
		}
		if a == nil {
			return nil
		}
		alts = append(alts, a)
	}
	if len(alts) == 1 {
		return alts[0]
	}
	return &action{kind: evMulti, alts: alts}
}

// funcAction returns the action of calling fn: nil for the runtime's
// functions, which are no Context's users but its means.
func (pa *pkgAnalysis) funcAction(fn *types.Func) *action {
	if pa.api != nil && fn.Pkg() == pa.api.Pkg && fn.Pkg() != pa.pass.Pkg {
		return nil
	}
	return &action{kind: evCall, callee: fn.Origin()}
}

// funcValue returns the function a func-valued expression names without
// evaluating anything but a method value's receiver, or nil.
func (pa *pkgAnalysis) funcValue(e ast.Expr) *types.Func {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		fn, _ := pa.info.Uses[e].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		sel, ok := pa.info.Selections[e]
		if !ok {
			fn, _ := pa.info.Uses[e.Sel].(*types.Func) // qualified identifier
			return fn
		}
		if sel.Kind() == types.FieldVal || types.IsInterface(sel.Recv()) {
			return nil
		}
		fn, _ := sel.Obj().(*types.Func)
		return fn
	case *ast.IndexExpr:
		return pa.funcValue(e.X)
	case *ast.IndexListExpr:
		return pa.funcValue(e.X)
	}
	return nil
}

// binderFor returns the runtime function that wraps argument i of a
// launcher call so that it runs in the caller's Context: Bind for func(),
// BindErr for func() error, BindArg for func(A); "" when none fits the
// argument or the launcher's parameter.
func (pa *pkgAnalysis) binderFor(call *ast.CallExpr, launcher *types.Func, i int) string {
	sig, _, ok := callSignature(pa.info, call, launcher)
	if !ok || i >= sig.Params().Len() {
		return ""
	}
	param := sig.Params().At(i).Type()
	tv, ok := pa.info.Types[call.Args[i]]
	if !ok || tv.Type == nil {
		return ""
	}
	arg, ok := tv.Type.(*types.Signature) // not a named func type: BindArg could not infer A
	if !ok || arg.TypeParams() != nil {
		return ""
	}
	errType := types.Universe.Lookup("error").Type()
	var name string
	var result *types.Signature
	switch params, results := arg.Params(), arg.Results(); {
	case params.Len() == 0 && results.Len() == 0:
		name, result = "Bind", arg
	case params.Len() == 0 && results.Len() == 1 && types.Identical(results.At(0).Type(), errType):
		name, result = "BindErr", arg
	case params.Len() == 1 && results.Len() == 0 && !arg.Variadic():
		name, result = "BindArg", arg
	default:
		return ""
	}
	if !types.AssignableTo(types.NewSignatureType(nil, nil, nil, result.Params(), result.Results(), false), param) {
		return ""
	}
	return name
}

// describe says what a function started with an empty Context would miss:
// "requestID.Get sees none of the caller's values", "ctxvar.Spawn passes on an empty
// Context", "slog.Info logs without requestID, which the ctxvarslog handler adds
// from the Context".
func (pa *pkgAnalysis) describe(sum *summary) string {
	var parts []string
	path := pa.pass.Pkg.Path()
	reads, logs := splitReads(sum.shownReads())
	if len(reads) > 0 {
		var names []string
		for _, r := range reads {
			names = append(names, r.name().in(path)+"."+r.Method)
		}
		verb := " sees none of the caller's values"
		if len(names) > 1 {
			verb = " see none of the caller's values"
		}
		parts = append(parts, enumerate(names)+verb)
	}
	if carries := sum.sortedCarries(); len(carries) > 0 {
		var names []string
		for _, c := range carries {
			names = append(names, "ctxvar."+c)
		}
		verb := " passes on an empty Context"
		if len(names) > 1 {
			verb = " pass on an empty Context"
		}
		parts = append(parts, enumerate(names)+verb)
	}
	if len(logs) > 0 {
		parts = append(parts, describeLogs(groupLogs(logs, path)))
	}
	return strings.Join(parts, " and ")
}

// describeLogs says which Vars log calls miss: "slog.Info logs without
// requestID and user, which the ctxvarslog handler adds from the Context".
// Log functions that miss the same Vars share a clause ("slog.Info and
// slog.Error log without ..."); the others follow, "slog.Warn without user".
func describeLogs(groups []logGroup) string {
	type clause struct {
		logs []string
		vars []string
	}
	var clauses []clause
	for _, g := range groups {
		i := slices.IndexFunc(clauses, func(c clause) bool { return slices.Equal(c.vars, g.vars) })
		if i < 0 {
			clauses = append(clauses, clause{vars: g.vars})
			i = len(clauses) - 1
		}
		clauses[i].logs = append(clauses[i].logs, g.log)
	}
	var text []string
	for i, c := range clauses {
		verb := " without "
		if i == 0 {
			verb = " logs without "
			if len(c.logs) > 1 {
				verb = " log without "
			}
		}
		text = append(text, enumerate(c.logs)+verb+enumerate(c.vars))
	}
	return strings.Join(text, ", ") + ", which the ctxvarslog handler adds from the Context"
}

// enumerate joins names as prose: "a", "a and b", "a, b and c", and cuts
// long lists short.
func enumerate(names []string) string {
	const most = 4
	if len(names) > most {
		names = append(names[:most-1:most-1], fmt.Sprintf("%d more", len(names)-(most-1)))
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
