package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkEditLatency measures how long diagnostics take to arrive after
// an edit of one file of a mid-level package in a module of 50 generated
// packages (analyzers/bench/genmodule): the time from didChange to the
// file's publishDiagnostics, debounce included. It reports the median in
// ms/edit, and the time of the first analysis of the whole module in
// ms/load.
func BenchmarkEditLatency(b *testing.B) {
	root, err := filepath.Abs("../../../..")
	if err != nil {
		b.Fatal(err)
	}
	dir := filepath.Join(b.TempDir(), "gen")
	gen := exec.Command("go", "run", "./analyzers/bench/genmodule", "-n", "50", "-o", dir, "-ctxvar", root)
	gen.Dir = root
	gen.Env = testEnv()
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("genmodule: %v\n%s", err, out)
	}
	file := busiestMidLevelFile(b, dir)
	b.Logf("editing %s", file)
	text, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}

	c := startServer(b, &Options{Env: testEnv()})
	c.call("initialize", InitializeParams{RootURI: fileURI(dir)})
	c.notify("initialized", struct{}{})
	uri := fileURI(file)
	start := time.Now()
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: uri, LanguageID: "go", Version: 1, Text: string(text)}})
	c.waitDiagnostics(uri, func(int) bool { return true })
	load := time.Since(start)

	var latencies []time.Duration
	b.ResetTimer()
	for i := range b.N {
		version := int32(i + 2)
		edited := fmt.Sprintf("%s\n// edit %d\n", text, i)
		start := time.Now()
		c.notify("textDocument/didChange", DidChangeTextDocumentParams{
			TextDocument:   VersionedTextDocumentIdentifier{URI: uri, Version: version},
			ContentChanges: []TextDocumentContentChangeEvent{{Text: edited}},
		})
		c.waitPublished(uri, version)
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "ms/edit")
	b.ReportMetric(float64(load.Microseconds())/1000, "ms/load")
	c.call("shutdown", nil)
	c.notify("exit", nil)
}

// waitPublished waits for the diagnostics of version of uri.
func (c *client) waitPublished(uri DocumentURI, version int32) {
	c.t.Helper()
	c.waitNote("textDocument/publishDiagnostics", func(params json.RawMessage) bool {
		var p PublishDiagnosticsParams
		return json.Unmarshal(params, &p) == nil && p.URI == uri && p.Version != nil && *p.Version == version
	})
}

// busiestMidLevelFile returns the main file of the package of the
// generated module's second service layer that the most packages import.
func busiestMidLevelFile(b testing.TB, dir string) string {
	importRE := regexp.MustCompile(`"example\.com/ctxvarbench/(svc/l2/p\d+)"`)
	count := make(map[string]int)
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		for _, m := range importRE.FindAllSubmatch(data, -1) {
			count[string(m[1])]++
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	best := ""
	for pkg, n := range count {
		if best == "" || n > count[best] || n == count[best] && pkg < best {
			best = pkg
		}
	}
	if best == "" {
		b.Fatal("the generated module has no svc/l2 package that others import")
	}
	return filepath.Join(dir, best, filepath.Base(best)+".go")
}
