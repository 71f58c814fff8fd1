package lsp

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers"
)

// TestGeneratedModule checks the server's own driver against the mistakes
// genmodule plants, first on the whole module and then after an edit of a
// mid-level package has been analyzed incrementally, with the facts of the
// packages that were not analyzed again.
func TestGeneratedModule(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: generates and analyzes a module of 30 packages")
	}
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "gen")
	gen := exec.Command("go", "run", "./analyzers/bench/genmodule", "-n", "30", "-o", dir, "-ctxvar", root)
	gen.Dir = root
	gen.Env = testEnv()
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("genmodule: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "planted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var planted map[string]int
	if err := json.Unmarshal(data, &planted); err != nil {
		t.Fatal(err)
	}

	ws := newWorkspace(dir, testEnv(), func(level int, format string, args ...any) { t.Logf(format, args...) })
	order := plan(analyzers.All)
	reported := make(map[*analysis.Analyzer]bool)
	for _, a := range analyzers.All {
		reported[a] = true
	}
	analyze := func(pkgs []*pkg, overlay map[string][]byte) {
		for _, p := range pkgs {
			if missing := ws.check(p, overlay); len(missing) > 0 {
				t.Fatalf("%s: imports not in the graph: %v", p.meta.ID, missing)
			}
			for _, err := range ws.analyze(p, order, reported) {
				t.Errorf("%s: %v", p.meta.ID, err)
			}
			if p.inModule() && len(p.errors) > 0 {
				t.Errorf("%s: %v", p.meta.ID, p.errors[0])
			}
		}
	}
	count := func() map[string]int {
		n := make(map[string]int)
		for name := range ws.byFile {
			for _, d := range ws.diagnostics(name) {
				n[d.Code]++
			}
		}
		for a := range planted {
			n[a] += 0
		}
		return n
	}

	changed, err := ws.reload(nil)
	if err != nil {
		t.Fatal(err)
	}
	all := ws.affected(nil, changed)
	analyze(all, nil)
	if got := count(); !maps.Equal(got, planted) {
		t.Errorf("whole module: findings %v, planted %v", got, planted)
	}

	file := busiestMidLevelFile(t, dir)
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	overlay := map[string][]byte{file: append(text, "\n// edited\n"...)}
	again := ws.affected([]string{file}, nil)
	if len(again) == 0 || len(again) >= len(all) {
		t.Errorf("an edit of %s affects %d of %d packages", file, len(again), len(all))
	}
	analyze(again, overlay)
	if got := count(); !maps.Equal(got, planted) {
		t.Errorf("after the edit: findings %v, planted %v", got, planted)
	}
}

// TestAnalyzerPanic checks that an analyzer that panics fails on its
// package, with an error that says so, and the others still run.
func TestAnalyzerPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: lists and type-checks a module")
	}
	dir := copyModule(t, "testdata/mod")
	panicky := &analysis.Analyzer{
		Name: "panicky",
		Doc:  "panics on package b",
		Run: func(pass *analysis.Pass) (any, error) {
			if pass.Pkg.Name() == "b" {
				panic("boom")
			}
			return nil, nil
		},
	}
	all := append([]*analysis.Analyzer{panicky}, analyzers.All...)
	reported := make(map[*analysis.Analyzer]bool)
	for _, a := range all {
		reported[a] = true
	}
	ws := newWorkspace(dir, testEnv(), func(level int, format string, args ...any) { t.Logf(format, args...) })
	changed, err := ws.reload(nil)
	if err != nil {
		t.Fatal(err)
	}
	panicked := 0
	for _, p := range ws.affected(nil, changed) {
		ws.check(p, nil)
		for _, err := range ws.analyze(p, plan(all), reported) {
			if p.types.Name() != "b" || !strings.Contains(err.Error(), "panicked") || !strings.Contains(err.Error(), "boom") {
				t.Errorf("%s: unexpected error %v", p.meta.ID, err)
			}
			panicked++
		}
	}
	if panicked != 1 {
		t.Errorf("%d errors from the panicking analyzer, want 1", panicked)
	}
	if d := ws.diagnostics(filepath.Join(dir, "b", "b.go")); len(d) != 1 || d[0].Code != "barego" {
		t.Errorf("b.go: got %+v, want barego's finding", d)
	}
}
