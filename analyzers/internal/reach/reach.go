// Package reach defines an analyzer that tells whether a package can use the
// ctxvar runtime at all: it is the runtime, imports it, or imports a package
// that can. The ctxvarlint analyzers require it and return at once for a
// package that cannot, so the standard library and other code that never
// reaches ctxvar costs them nothing.
package reach

import (
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// Fact marks a package that can reach the ctxvar runtime.
type Fact struct{}

// AFact implements analysis.Fact.
func (*Fact) AFact() {}

func (*Fact) String() string { return "reaches ctxvar" }

// Analyzer's result is a bool: whether the package can reach the runtime.
var Analyzer = &analysis.Analyzer{
	Name:             "ctxvarreach",
	Doc:              "reports whether a package can reach the ctxvar runtime",
	URL:              "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/internal/reach",
	Run:              run,
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[bool](),
	FactTypes:        []analysis.Fact{new(Fact)},
}

func run(pass *analysis.Pass) (any, error) {
	reaches := pass.Pkg.Path() == ctxvarapi.Path
	for _, imp := range pass.Pkg.Imports() {
		if reaches {
			break
		}
		reaches = imp.Path() == ctxvarapi.Path || pass.ImportPackageFact(imp, new(Fact))
	}
	if reaches {
		pass.ExportPackageFact(new(Fact))
	}
	return reaches, nil
}
