package analyzers_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/analyzers/internal/docs"
)

var update = flag.Bool("update", false, "rewrite docs/analyzers/NAME.md from the analyzers' documentation")

// The pages under docs/analyzers are generated from each analyzer's doc.go;
// this test keeps them from drifting apart.
func TestDocs(t *testing.T) {
	dir := filepath.Join("..", "docs", "analyzers")
	want := make(map[string]bool)
	for _, a := range analyzers.All {
		page := filepath.Join(dir, a.Name+".md")
		want[a.Name+".md"] = true
		md := docs.Markdown(a.Name, a.Doc, a.URL)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(page, md, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("%v; generate it with go test ./analyzers -run TestDocs -update", err)
			continue
		}
		if !bytes.Equal(got, md) {
			t.Errorf("%s does not match the %s analyzer's doc.go; regenerate it with go test ./analyzers -run TestDocs -update", page, a.Name)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] && e.Name() != "README.md" {
			t.Errorf("%s documents no analyzer in analyzers.All", filepath.Join(dir, e.Name()))
		}
	}
}
