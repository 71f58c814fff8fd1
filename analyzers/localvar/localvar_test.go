package localvar_test

import (
	"os"
	"os/exec"
	"path/filepath"
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
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module vettool\n\ngo 1.26.0\n\nrequire github.com/ctxvar/ctxvar v0.0.0\n\nreplace github.com/ctxvar/ctxvar => " + root + "\n"
	main := `package main

import (
	"github.com/ctxvar/ctxvar/analyzers/localvar"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func main() { unitchecker.Main(localvar.Analyzer) }
`
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"go.mod": gomod, "main.go": main, "go.sum": string(sum)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	env := append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"), "GOPROXY=off", "GOWORK=off")
	tool := filepath.Join(dir, "localvar")
	build := exec.Command(goTool, "build", "-o", tool, ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the vet tool: %v\n%s", err, out)
	}
	vet := exec.Command(goTool, "vet", "-vettool="+tool, "./c")
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
