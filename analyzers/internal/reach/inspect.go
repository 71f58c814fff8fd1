package reach

import (
	"reflect"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Inspect's result is an *inspector.Inspector of the package's files, or nil
// when the package cannot reach the runtime. It replaces
// golang.org/x/tools/go/analysis/passes/inspect for the ctxvarlint
// analyzers: that one builds an inspector for every package, which on code
// that never uses ctxvar (all of the standard library) is the analyzers'
// whole cost. The analyzers that require it share one inspector.
var Inspect = &analysis.Analyzer{
	Name:             "ctxvarinspect",
	Doc:              "builds an AST inspector for packages that can reach the ctxvar runtime",
	URL:              "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/internal/reach",
	Run:              runInspect,
	RunDespiteErrors: true,
	Requires:         []*analysis.Analyzer{Analyzer},
	ResultType:       reflect.TypeFor[*inspector.Inspector](),
}

func runInspect(pass *analysis.Pass) (any, error) {
	if !pass.ResultOf[Analyzer].(bool) {
		return (*inspector.Inspector)(nil), nil
	}
	return inspector.New(pass.Files), nil
}
