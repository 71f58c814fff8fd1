package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// paniclint is the command with one more analyzer, which panics on one
// function of one package. Its module path lies under
// github.com/ctxvar/ctxvar/analyzers because the go command lets only code
// under that path import analyzers/internal/guard, and it checks by import
// path in module mode.
const paniclint = `// Command paniclint runs the ctxvarlint analyzers and one that panics on
// the function CurrentUser of package example.com/multipkg/lib.
package main

import (
	"go/ast"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
)

var panicker = &analysis.Analyzer{
	Name: "panicker",
	Doc:  "panicker: panic on CurrentUser in example.com/multipkg/lib",
	URL:  "https://pkg.go.dev/github.com/ctxvar/ctxvar/cmd/ctxvarlint",
	Run: guard.Run(func(pass *analysis.Pass, at *guard.Position) (any, error) {
		if pass.Pkg.Path() != "example.com/multipkg/lib" {
			return nil, nil
		}
		for _, f := range pass.Files {
			for _, decl := range f.Decls {
				if fn, ok := decl.(*ast.FuncDecl); ok {
					at.At(fn.Pos())
					if fn.Name.Name == "CurrentUser" {
						panic("deliberate panic")
					}
				}
			}
		}
		return nil, nil
	}),
}

func main() { multichecker.Main(append(analyzers.All, panicker)...) }
`

// TestInternalError checks, end to end, what happens when an analyzer
// panics on one package: the run reports an internal error that names the
// analyzer, the package and the position, exits with status 1 instead of
// crashing, and still prints the findings in the other packages; go vet
// does the same.
func TestInternalError(t *testing.T) {
	t.Parallel()
	ctxvarlint(t) // builds the dependencies once, for this build too
	src := t.TempDir()
	gomod := fmt.Sprintf("module github.com/ctxvar/ctxvar/analyzers/paniclint\n\ngo 1.26.0\n\nrequire github.com/ctxvar/ctxvar v0.0.0\n\nreplace github.com/ctxvar/ctxvar => %s\n", filepath.ToSlash(repoRoot()))
	sum, err := os.ReadFile(filepath.Join(repoRoot(), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"go.mod": gomod, "go.sum": string(sum), "main.go": paniclint} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(src, "paniclint")
	if r := run(t, src, "go", "build", "-o", bin, "."); r.code != 0 {
		t.Fatalf("building paniclint\n%v", r)
	}

	dir := sharedModule(t, "multipkg")
	libGo := filepath.Join(dir, "lib", "lib.go")
	where := fmt.Sprintf("%s:%d:1", libGo, lineOf(t, libGo, "func CurrentUser"))

	r := runCrashy(t, dir, bin, typeCheckedPkgs...)
	if r.code != 1 {
		t.Errorf("exit status %d, want 1\n%v", r.code, r)
	}
	head := "panicker: internal error: panicker panicked analyzing example.com/multipkg/lib at " + where + ": deliberate panic"
	if !strings.Contains(r.stderr, head) {
		t.Errorf("output lacks %q\n%v", head, r)
	}
	found, _ := textFindings(dir, r.stderr)
	found = slices.DeleteFunc(found, func(f finding) bool { return !strings.HasPrefix(f.file, "app/") })
	checkWants(t, found, slices.DeleteFunc(wants(t, dir), func(w want) bool { return !strings.HasPrefix(w.file, "app/") }))

	r = runCrashy(t, dir, "go", "vet", "-vettool="+bin, "./lib")
	if r.code != 1 || !strings.Contains(r.stderr, "example.com/multipkg/lib: internal error: panicker panicked analyzing example.com/multipkg/lib at "+where) {
		t.Errorf("go vet: want exit status 1 and the internal error\n%v", r)
	}
}

// runCrashy is run for a command whose output holds a stack trace: that of
// the internal error. It still fails the test if the command crashed,
// which a Go program does with a "panic: " line and exit status 2.
func runCrashy(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	r := runUnchecked(t, dir, nil, name, args...)
	if regexp.MustCompile(`(?m)^panic: `).MatchString(r.stderr) || r.code == 2 {
		t.Fatalf("%s crashed\n%v", name, r)
	}
	return r
}
