// Package testmodule copies an analyzer's testdata module, the way the
// analyzers' tests build it: with the runtime replaced by this repository,
// and, for the suggested fixes, with each golden file in place of its source.
package testmodule

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Copy copies the module in src, an analyzer's testdata directory whose
// go.mod replaces the runtime with ../../.., to a temporary directory, and
// points the replace directive at the repository. Each file's contents pass
// through edit when it is not nil; .golden files are left out.
func Copy(t testing.TB, src string, edit func(path string, data []byte) []byte) string {
	t.Helper()
	src, err := filepath.Abs(src)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(src, "..", "..", "..")
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(path, ".golden") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if edit != nil {
			data = edit(path, data)
		}
		if rel == "go.mod" {
			data = []byte(strings.ReplaceAll(string(data), "=> ../../..", "=> "+root))
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// Fixed copies the module in src as the suggested fixes leave it: each
// x.go.golden in place of x.go. It fails the test if src has no golden file.
func Fixed(t testing.TB, src string) string {
	t.Helper()
	goldens := 0
	dir := Copy(t, src, func(path string, data []byte) []byte {
		if golden, err := os.ReadFile(path + ".golden"); err == nil {
			goldens++
			return golden
		}
		return data
	})
	if goldens == 0 {
		t.Fatalf("no golden files in %s", src)
	}
	return dir
}

// Go runs the go command offline in dir and reports a failure, with the
// command's output, as a test error. It skips the test where there is no go
// command.
func Go(t testing.TB, dir string, args ...string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	cmd := exec.Command(goTool, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

// VetTool builds a go vet tool that runs one analyzer, the Analyzer
// variable of the package at importPath (a package of this repository), as
// go vet -vettool runs ctxvarlint: the unitchecker driver, which hands a
// package the facts of its direct imports only. It returns the tool's path
// and the environment to run go vet with: modules from the cache only.
func VetTool(t testing.TB, importPath string) (tool string, env []string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module vettool\n\ngo 1.26.0\n\nrequire github.com/ctxvar/ctxvar v0.0.0\n\nreplace github.com/ctxvar/ctxvar => " + root + "\n"
	main := "package main\n\nimport (\n\tanalyzer \"" + importPath + "\"\n\t\"golang.org/x/tools/go/analysis/unitchecker\"\n)\n\nfunc main() { unitchecker.Main(analyzer.Analyzer) }\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"go.mod": gomod, "main.go": main, "go.sum": string(sum)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	tool = filepath.Join(dir, "vettool")
	build := exec.Command("go", "build", "-o", tool, ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the vet tool: %v\n%s", err, out)
	}
	return tool, env
}
