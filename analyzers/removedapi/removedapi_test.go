package removedapi_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
	"github.com/ctxvar/ctxvar/analyzers/removedapi"
)

// Package a's calls all have fixes, checked against the .golden files; d
// keeps a suppressed call, whose import the fixes keep; b's calls have no
// fix; c does not parse.
func TestAnalyzer(t *testing.T) {
	testdata := analysistest.TestData()
	analysistest.RunWithSuggestedFixes(t, testdata, removedapi.Analyzer, "./a", "./d")
	for _, r := range analysistest.Run(t, testdata, removedapi.Analyzer, "./b", "./c") {
		if r.Pass == nil || !strings.HasSuffix(r.Pass.Pkg.Path(), "/b") {
			continue
		}
		for _, d := range r.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%s: unexpected fix %q for %q", r.Pass.Fset.Position(d.Pos), d.SuggestedFixes[0].Message, d.Message)
			}
		}
	}
}

// TestFixesCompile builds package a with every file replaced by its .golden
// version, the output of all suggested fixes: it must type-check.
func TestFixesCompile(t *testing.T) {
	dir := testmodule.Fixed(t, analysistest.TestData())
	testmodule.Go(t, dir, "vet", "./a")
}

// TestBrokenSource runs the analyzer on every testdata file cut short and
// with pieces cut out, which leaves files that do not parse or type-check
// in every way the parser can recover from: it must never fail.
func TestBrokenSource(t *testing.T) {
	if testing.Short() {
		t.Skip("loads hundreds of packages")
	}
	testdata := analysistest.TestData()
	var sources [][]byte
	for _, pkg := range []string{"a", "b", "c", "d"} {
		files, err := filepath.Glob(filepath.Join(testdata, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, data)
		}
	}
	dir := testmodule.Copy(t, testdata, nil)
	n := 0
	for _, src := range sources {
		const cuts = 24
		for i := 1; i < cuts; i++ {
			at := len(src) * i / cuts
			for _, mutant := range [][]byte{
				src[:at],
				append(append([]byte(nil), src[:at]...), src[min(at+37, len(src)):]...),
			} {
				pkgDir := filepath.Join(dir, "broken", fmt.Sprintf("p%04d", n))
				n++
				if err := os.MkdirAll(pkgDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(pkgDir, "x.go"), mutant, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo |
			packages.NeedDeps | packages.NeedModule,
		Dir: dir,
		Env: append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./broken/...")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != n {
		t.Fatalf("loaded %d packages, want %d", len(pkgs), n)
	}
	res, err := checker.Analyze([]*analysis.Analyzer{removedapi.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ran, reported := 0, 0
	for _, act := range res.Roots {
		var ie *guard.InternalError
		if errors.As(act.Err, &ie) {
			t.Errorf("%s: %v", act.Package.PkgPath, ie)
		}
		if act.Err == nil {
			ran++
			reported += len(act.Diagnostics)
		}
	}
	t.Logf("ran on %d of %d broken packages, %d diagnostics", ran, n, reported)
	// Most mutants keep the import and some calls: the analyzer must have
	// run on them and reported.
	if ran < n/2 || reported == 0 {
		t.Errorf("the analyzer ran on %d of %d broken packages and reported %d diagnostics", ran, n, reported)
	}
}
