// Package reach defines an analyzer that tells whether a package can use the
// ctxvar runtime at all: it is the runtime, imports it, or imports a package
// that can. The ctxvarlint analyzers require it and return at once for a
// package that cannot, so the standard library and other code that never
// reaches ctxvar costs them nothing.
package reach

import (
	"go/types"
	"reflect"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// Fact marks a package that can reach the ctxvar runtime.
type Fact struct{}

// AFact implements analysis.Fact.
func (*Fact) AFact() {}

func (*Fact) String() string { return "reaches ctxvar" }

// Result is what Analyzer tells of a package.
type Result struct {
	// Reaches reports whether the package can reach the runtime.
	Reaches bool

	// API holds the runtime's objects as the package sees them, found once
	// for all the analyzers. It is nil when the package cannot reach the
	// runtime, and also when it reaches it only through imports whose
	// export data does not mention it: the runtime is then out of sight.
	API *ctxvarapi.API
}

// Analyzer's result is a Result: whether the package can reach the runtime,
// and the runtime's API as the package sees it.
var Analyzer = &analysis.Analyzer{
	Name:             "ctxvarreach",
	Doc:              "reports whether a package can reach the ctxvar runtime",
	URL:              "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/internal/reach",
	Run:              run,
	RunDespiteErrors: true,
	ResultType:       reflect.TypeFor[Result](),
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
	if !reaches {
		return Result{}, nil
	}
	pass.ExportPackageFact(new(Fact))
	var api *ctxvarapi.API
	if rt := findRuntime(pass, pass.Pkg, make(map[*types.Package]bool)); rt != nil {
		api = ctxvarapi.OfRuntime(rt)
	} else {
		// The facts lead nowhere when a driver gives only those of the
		// direct imports, or when the runtime is out of sight: then all
		// the imports are searched.
		api = ctxvarapi.Of(pass.Pkg)
	}
	return Result{Reaches: true, API: api}, nil
}

// findRuntime returns the runtime package among pkg and its transitive
// imports, or nil. It follows only the imports that reach the runtime, as
// their facts tell, so it goes more or less straight down to it, where a
// search of all the imports would visit the whole import graph. seen holds
// the packages visited already.
func findRuntime(pass *analysis.Pass, pkg *types.Package, seen map[*types.Package]bool) *types.Package {
	if pkg.Path() == ctxvarapi.Path {
		return pkg
	}
	seen[pkg] = true
	for _, imp := range pkg.Imports() {
		if imp.Path() == ctxvarapi.Path {
			return imp
		}
	}
	for _, imp := range pkg.Imports() {
		if !seen[imp] && pass.ImportPackageFact(imp, new(Fact)) {
			if rt := findRuntime(pass, imp, seen); rt != nil {
				return rt
			}
		}
	}
	return nil
}
