package unsetget_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/unsetget"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./a", "./b", "./initset", "./app", "./noreturn")
}

// The analyzer offers no fixes: each would change what the program does.
func TestNoSuggestedFixes(t *testing.T) {
	for _, res := range analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./a") {
		for _, d := range res.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%v: unexpected suggested fix", res.Pass.Fset.Position(d.Pos))
			}
		}
	}
}

// The test data must build and pass vet as ordinary Go code, so that what
// the analyzer is tested on is code a user could write.
func TestTestdataBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = "testdata"
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s in testdata: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Under go vet, imported packages come from export data, which does not
// list every package they import: facts of packages imported only for their
// side effects must still be found. Here app imports initset, whose init
// function sets b.User, only for that.
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
	"github.com/ctxvar/ctxvar/analyzers/unsetget"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func main() { unitchecker.Main(unsetget.Analyzer) }
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
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	tool := filepath.Join(dir, "unsetget")
	build := exec.Command("go", "build", "-o", tool, ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the vet tool: %v\n%s", err, out)
	}
	vet := exec.Command("go", "vet", "-vettool="+tool, "./app")
	vet.Dir, vet.Env = "testdata", env
	out, err := vet.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet reported nothing; want the Get of b.RequestID\n%s", out)
	}
	if !strings.Contains(string(out), "b.RequestID.Get can panic") {
		t.Errorf("go vet did not report the Get of b.RequestID:\n%s", out)
	}
	if strings.Contains(string(out), "b.User.Get") {
		t.Errorf("go vet reported the Get of b.User, which initset's init sets:\n%s", out)
	}
}
