package lsp

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The helpers of the tests that run the server under a real editor
// (TestNeovim, TestEglot).

// buildCtxvarlint builds the ctxvarlint command into dir, so that an editor
// run with dir first on its PATH finds it as the docs' configurations name
// it, and returns its path.
func buildCtxvarlint(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "ctxvarlint")
	build := exec.Command("go", "build", "-o", bin, "github.com/ctxvar/ctxvar/cmd/ctxvarlint")
	build.Env = testEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building ctxvarlint: %v\n%s", err, out)
	}
	return bin
}

// codeBlock returns the first code block of language lang after the line
// of the markdown file that starts with heading.
func codeBlock(t *testing.T, file, heading, lang string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "\n"+heading)
	if i < 0 {
		t.Fatalf("%s has no heading %q", file, heading)
	}
	text = text[i:]
	fence := "\n```" + lang + "\n"
	start := strings.Index(text, fence)
	if start < 0 {
		t.Fatalf("%s has no %s block after %q", file, lang, heading)
	}
	text = text[start+len(fence):]
	end := strings.Index(text, "\n```\n")
	if end < 0 {
		t.Fatalf("%s: the %s block after %q does not end", file, lang, heading)
	}
	return text[:end+1]
}

// checkFixed checks that the editor saved b/b.go of the module in dir (a
// copy of testdata/mod) as the quick fix for its bare go statement leaves
// it, and that the module still builds. editorLog is the editor's log, for
// the failure messages.
func checkFixed(t *testing.T, dir string, editorLog []byte) {
	t.Helper()
	fixed, err := os.ReadFile(filepath.Join(dir, "b", "b.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fixed), `_ = "😀"; ctxvar.Spawn(report)`) || strings.Contains(string(fixed), "go report()") {
		t.Fatalf("the saved file does not start the goroutine with ctxvar.Spawn:\n%s\neditor log:\n%s", fixed, editorLog)
	}
	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	build.Env = testEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Errorf("the module does not build with the saved file: %v\n%s\nsaved file:\n%s", err, out, fixed)
	}
}
