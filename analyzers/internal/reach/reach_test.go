package reach_test

import (
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
)

// probe reports, on each file's package clause, that its package reaches
// the runtime and which runtime package the API found is of.
var probe = &analysis.Analyzer{
	Name:     "probe",
	Doc:      "reports what reach says of each package",
	Requires: []*analysis.Analyzer{reach.Analyzer},
	Run: func(pass *analysis.Pass) (any, error) {
		r := pass.ResultOf[reach.Analyzer].(reach.Result)
		switch {
		case r.Reaches:
			api := "no API"
			if r.API != nil && r.API.Spawn != nil {
				api = "API of " + r.API.Pkg.Path() + " with " + r.API.Spawn.Name()
			}
			for _, f := range pass.Files {
				pass.Reportf(f.Package, "reaches ctxvar, %s", api)
			}
		case r.API != nil:
			pass.Reportf(pass.Files[0].Package, "an API although the package cannot reach the runtime")
		}
		return nil, nil
	},
}

// The runtime, and the packages that import it directly or not, reach it and
// get its API; the others get neither.
func TestReach(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), probe, "github.com/ctxvar/ctxvar/ctxvar", "uses", "indirect", "plain")
}
