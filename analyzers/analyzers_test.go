package analyzers

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
	"github.com/ctxvar/ctxvar/analyzers/internal/reach"
)

func TestAll(t *testing.T) {
	if err := analysis.Validate(All); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"barego", "unsetget", "losttoken", "removedapi"} {
		if !slices.ContainsFunc(All, func(a *analysis.Analyzer) bool { return a.Name == want }) {
			t.Errorf("All lacks the %s analyzer", want)
		}
	}
	for _, a := range All {
		t.Run(a.Name, func(t *testing.T) {
			// Drivers print "NAME: " before the title themselves.
			title, _, _ := strings.Cut(a.Doc, "\n")
			if title == "" || strings.HasPrefix(title, a.Name+":") {
				t.Errorf("Doc's first line should be a title without the analyzer's name: %.60q", a.Doc)
			}
			if want := "https://pkg.go.dev/github.com/ctxvar/ctxvar/analyzers/" + a.Name; a.URL != want {
				t.Errorf("URL = %q, want %q", a.URL, want)
			}
			if !slices.Contains(a.Requires, reach.Analyzer) {
				t.Errorf("Requires lacks reach.Analyzer: packages that cannot reach ctxvar would not be skipped")
			}
		})
	}
}

// bait is a package that gives every analyzer something to look at: a Var
// without a default read on a bare goroutine, a discarded token and a call
// of removed API.
const bait = `package bait

import "github.com/ctxvar/ctxvar/ctxvar"

var requestID = ctxvar.New[string]("requestID")

func handle() {
	requestID.Set("r1")
	go func() { println(requestID.Get()) }()
	println(requestID.Get())
	requestID.Delete()
}
`

// baitPackage type-checks bait against the real runtime. It keeps going past
// the type error of the removed Delete, as drivers do for analyzers that run
// despite errors, and returns it too.
func baitPackage(t *testing.T) (*token.FileSet, *ast.File, *types.Package, []types.Error) {
	t.Helper()
	rt, err := packages.Load(&packages.Config{Mode: packages.NeedName | packages.NeedTypes}, ctxvarapi.Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(rt) != 1 || rt[0].Types == nil || len(rt[0].Errors) > 0 {
		t.Fatalf("loading %s: %v", ctxvarapi.Path, rt)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "bait.go", bait, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var typeErrors []types.Error
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == ctxvarapi.Path {
				return rt[0].Types, nil
			}
			return nil, fmt.Errorf("bait imports only the runtime, not %s", path)
		}),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok {
				typeErrors = append(typeErrors, te)
			}
		},
	}
	pkg, _ := conf.Check("example.com/bait", fset, []*ast.File{f}, nil)
	if ctxvarapi.Of(pkg) == nil {
		t.Fatal("bait does not import the runtime")
	}
	if len(typeErrors) == 0 {
		t.Fatal("bait type-checks: its removed Delete should not")
	}
	return fset, f, pkg, typeErrors
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// TestGuarded runs each analyzer on a pass that lacks its type information,
// its prerequisites' results other than reach's, and its Report and fact
// functions, so that the analyzer panics as soon as it looks at the code. The
// panic must come back as a *guard.InternalError naming the package, as the
// drivers then report it and exit non-zero, rather than take down the run.
func TestGuarded(t *testing.T) {
	fset, f, pkg, typeErrors := baitPackage(t)
	for _, a := range All {
		t.Run(a.Name, func(t *testing.T) {
			pass := &analysis.Pass{
				Analyzer:   a,
				Fset:       fset,
				Files:      []*ast.File{f},
				Pkg:        pkg,
				TypeErrors: typeErrors,
				ResultOf:   map[*analysis.Analyzer]any{reach.Analyzer: reach.Result{Reaches: true, API: ctxvarapi.Of(pkg)}},
			}
			err := runRecovering(a, pass)
			var ie *guard.InternalError
			if !errors.As(err, &ie) {
				t.Fatalf("Run on a pass without type information returned %v, want a *guard.InternalError", err)
			}
			t.Logf("panic caught: %v at %v", ie.Value, ie.Position)
			if ie.Analyzer != a.Name || ie.Package != pkg.Path() {
				t.Errorf("internal error names analyzer %q and package %q, want %q and %q", ie.Analyzer, ie.Package, a.Name, pkg.Path())
			}
			if msg := err.Error(); !strings.Contains(msg, "internal error") || !strings.Contains(msg, pkg.Path()) {
				t.Errorf("internal error message does not name the package: %.200s", msg)
			}
		})
	}
}

// runRecovering runs a on pass and turns a panic that escapes it into an
// error, so that an unguarded analyzer fails its test instead of the binary.
func runRecovering(a *analysis.Analyzer, pass *analysis.Pass) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("analyzer is not guarded: Run panicked: %v", r)
		}
	}()
	_, err = a.Run(pass)
	return err
}
