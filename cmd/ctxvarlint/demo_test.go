package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctxvar/ctxvar/analyzers"
)

// The demo module, testdata/demo, is a small service with the mistakes of
// code ported from Python's contextvars. A new user lints it from the root
// of the repository with
//
//	go -C testdata/demo tool ctxvarlint ./...
//
// which builds the command from the module's tool directive and needs
// nothing beyond what go.sum lists. testdata/demo/ctxvarlint.golden is the
// output of that command, with the repository's directory left out of the
// file names: what the README shows.

// demoGolden is the expected output of the demo.
var demoGolden = filepath.Join("..", "..", "testdata", "demo", "ctxvarlint.golden")

// TestDemo runs the README's command on a copy of the demo module, in the
// go command's default -mod=readonly mode, and checks its output against
// ctxvarlint.golden, that every analyzer fires and that the analyzers that
// offer fixes do; then it applies the fixes and builds the fixed service.
func TestDemo(t *testing.T) {
	t.Parallel()
	ctxvarlint(t) // builds the dependencies once, for go tool too
	dir := copyModule(t, "demo")
	parent := filepath.Dir(dir)

	r := runEnv(t, parent, []string{"GOFLAGS="}, "go", "-C", "demo", "tool", "ctxvarlint", "./...")
	if r.code != 1 {
		t.Errorf("exit status %d, want 1 for the legacy package that does not type-check\n%v", r.code, r)
	}
	got := strings.ReplaceAll(r.stdout+r.stderr, parent+string(filepath.Separator), "testdata"+string(filepath.Separator))
	if *update {
		if err := os.WriteFile(demoGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(demoGolden); err != nil {
		t.Fatal(err)
	} else if got != string(want) {
		t.Errorf("the demo's output differs from %s:\n%s", demoGolden, got)
	}

	bin := ctxvarlint(t)
	js := run(t, dir, bin, "-json", "./...")
	found, fixes, _ := parseJSON(t, dir, js.stdout)
	for _, a := range analyzers.All {
		n := 0
		for _, f := range found {
			if f.analyzer == a.Name {
				n++
			}
		}
		if n == 0 {
			t.Errorf("the demo has no %s finding", a.Name)
		}
	}
	// unsetget offers no fix: which one is right is the author's choice.
	for _, name := range []string{"barego", "losttoken", "removedapi"} {
		if fixes[name] == 0 {
			t.Errorf("the demo has no %s finding with a suggested fix", name)
		}
	}

	run(t, dir, bin, "-fix", "./...")
	checkFixed(t, dir, "demo", nil)
	// legacy still calls Delete, for which no fix exists.
	build(t, dir, ".", "./reqctx", "./server", "./worker")
}

// TestREADMEShowsTheDemo checks that the findings the README quotes from
// the demo are the demo's: each quoted line, up to an ellipsis, begins a
// line of ctxvarlint.golden.
func TestREADMEShowsTheDemo(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden, err := os.ReadFile(demoGolden)
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "the consequence and the fix:\n\n```\n")
	block, _, ok2 := strings.Cut(after, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no block of the demo's findings after \"… the consequence and the fix:\"")
	}
	quoted := strings.Split(strings.TrimSpace(block), "\n")
	if len(quoted) < 3 {
		t.Fatalf("README.md quotes %d findings of the demo; want a few", len(quoted))
	}
	for _, q := range quoted {
		q = strings.TrimSuffix(q, "...")
		if !strings.Contains(string(golden), "testdata/demo/"+q) {
			t.Errorf("README.md quotes a finding the demo does not report:\n%s", q)
		}
	}
}
