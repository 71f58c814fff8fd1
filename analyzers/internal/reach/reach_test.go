package reach_test

import (
	"go/ast"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
)

// probe reports, on each file's package clause, that its package reaches
// the runtime, and each function declaration that the shared inspector
// shows it.
var probe = &analysis.Analyzer{
	Name:     "probe",
	Doc:      "reports what reach and Inspect say of each package",
	Requires: []*analysis.Analyzer{reach.Analyzer, reach.Inspect},
	Run: func(pass *analysis.Pass) (any, error) {
		if pass.ResultOf[reach.Analyzer].(bool) {
			for _, f := range pass.Files {
				pass.Reportf(f.Package, "reaches ctxvar")
			}
		}
		insp := pass.ResultOf[reach.Inspect].(*inspector.Inspector)
		if insp == nil {
			return nil, nil
		}
		for cur := range insp.Root().Preorder((*ast.FuncDecl)(nil)) {
			pass.Reportf(cur.Node().Pos(), "inspected")
		}
		return nil, nil
	},
}

// The runtime, and the packages that import it directly or not, reach it and
// get an inspector; the others get neither.
func TestReachAndInspect(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), probe, "github.com/ctxvar/ctxvar/ctxvar", "uses", "indirect", "plain")
}
