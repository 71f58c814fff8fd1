package tokenmisuse_test

import (
	"go/ast"
	"go/token"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
	"github.com/ctxvar/ctxvar/analyzers/tokenmisuse"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), tokenmisuse.Analyzer, "./a", "./b", "./c")
}

func TestSuggestedFixes(t *testing.T) {
	results := analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), tokenmisuse.Analyzer, "./fix")

	// The finding doc.go quotes is the one for fix.authenticate, with its
	// lines counted from the function's.
	found := false
	for _, r := range results {
		for _, d := range r.Diagnostics {
			fn := enclosingFunc(r.Pass.Files, d.Pos)
			if fn == nil || fn.Name.Name != "authenticate" {
				continue
			}
			found = true
			first := r.Pass.Fset.Position(fn.Pos()).Line
			msg := regexp.MustCompile(`line (\d+)`).ReplaceAllStringFunc(d.Message, func(s string) string {
				n, _ := strconv.Atoi(strings.TrimPrefix(s, "line "))
				return "line " + strconv.Itoa(n-first+1)
			})
			if !strings.Contains(tokenmisuse.Analyzer.Doc, "\t"+msg+"\n") {
				t.Errorf("doc.go does not quote the finding of its example:\n%s", msg)
			}
		}
	}
	if !found {
		t.Error("no finding in fix.authenticate")
	}
}

func enclosingFunc(files []*ast.File, pos token.Pos) *ast.FuncDecl {
	for _, f := range files {
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Pos() <= pos && pos < fn.End() {
				return fn
			}
		}
	}
	return nil
}

// TestFixesCompile builds the testdata module with every file replaced by
// its .golden version, the output of all suggested fixes.
func TestFixesCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	dir := testmodule.Fixed(t, analysistest.TestData())
	testmodule.Go(t, dir, "vet", "./...")
}

// TestVetTool checks the facts across packages under go vet, whose driver
// encodes them between the runs of the packages: package c sees what
// package b's facts tell.
func TestVetTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a vet tool")
	}
	tool, env := testmodule.VetTool(t, "github.com/ctxvar/ctxvar/analyzers/tokenmisuse")
	vet := exec.Command("go", "vet", "-vettool="+tool, "./c")
	vet.Dir, vet.Env = "testdata", env
	out, _ := vet.CombinedOutput()
	for _, want := range []string{
		"c.go:9:2: b.Restore(tok) panics with ErrTokenUsed",
		"c.go:14:2: b.Restore(tok) panics with ErrTokenVar: tok is a token of b.Tenant",
		"c.go:29:2: b.User.Reset(admin) restores b.User out of order",
		"c.go:47:3: b.User.Reset(tok) panics with ErrTokenContext",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
}
