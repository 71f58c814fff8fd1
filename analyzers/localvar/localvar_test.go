package localvar_test

import (
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
	"github.com/ctxvar/ctxvar/analyzers/localvar"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), localvar.Analyzer, "./a", "./b", "./c", "./cmd")
}

func TestSuggestedFixes(t *testing.T) {
	results := analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), localvar.Analyzer, "./fix")

	// doc.go quotes the finding for fix.handle.
	found := false
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if strings.Contains(d.Message, "inside handle ") {
				found = true
				if !strings.Contains(localvar.Analyzer.Doc, "\t"+d.Message+"\n") {
					t.Errorf("doc.go does not quote the finding of its example:\n%s", d.Message)
				}
			}
		}
	}
	if !found {
		t.Error("no finding in fix.handle")
	}
}

// TestFixesCompile builds and vets the testdata module with every file
// replaced by its .golden version, the output of all suggested fixes.
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
	tool, env := testmodule.VetTool(t, "github.com/ctxvar/ctxvar/analyzers/localvar")
	vet := exec.Command("go", "vet", "-vettool="+tool, "./c")
	vet.Dir, vet.Env = "testdata", env
	out, _ := vet.CombinedOutput()
	for _, want := range []string{
		"c.go:15:9: b.Key returns a new Var at each call",
		"c.go:19:7: b.Maker.Make returns a new Var at each call",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
}
