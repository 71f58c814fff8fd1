package plugin

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/analyzers"
)

// The golangci-lint integration test builds a real golangci-lint with the
// plugin, the way docs/golangci-lint.md tells users to from the module
// proxy alone, and runs it on the module in testdata/mod.

const golangciModule = "github.com/golangci/golangci-lint/v2"

// TestGolangciLint checks the plugin inside golangci-lint: the findings
// appear, --fix applies the fixes, //nolint:ctxvarlint suppresses, the
// settings reach the analyzers, and a bad setting fails with a message that
// names it.
func TestGolangciLint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds golangci-lint with the plugin (minutes when nothing is cached); skipped under -short")
	}
	gcl := golangciLint(t)

	t.Run("findings", func(t *testing.T) {
		dir := lintModule(t)
		issues, code := gcl.run(t, dir, settingsWithLauncher)
		if code != 1 {
			t.Errorf("exit status %d, want 1 (issues found)", code)
		}
		checkIssues(t, dir, issues, wants(t, dir))
	})

	t.Run("fix", func(t *testing.T) {
		dir := lintModule(t)
		gcl.run(t, dir, settingsWithLauncher, "--fix")
		checkGolden(t, dir)
		goCmd(t, dir, "vet", "./...")
		// The fixes leave only what has none: unsetget's finding.
		issues, _ := gcl.run(t, dir, settingsWithLauncher)
		var left []want
		for _, w := range wants(t, dir) {
			if strings.HasPrefix(w.text, "unsetget:") {
				left = append(left, w)
			}
		}
		checkIssues(t, dir, issues, left)
	})

	t.Run("disable", func(t *testing.T) {
		dir := lintModule(t)
		issues, _ := gcl.run(t, dir, "disable: [barego]\n"+settingsWithLauncher)
		checkIssues(t, dir, issues, filterWants(wants(t, dir), func(w want) bool {
			return !strings.HasPrefix(w.text, "barego:")
		}))
	})

	// barego is not enabled, but runs for unsetget, which takes from it
	// the launchers of the settings: unsetget's findings through them
	// appear, barego's do not.
	t.Run("enable", func(t *testing.T) {
		dir := lintModule(t)
		issues, _ := gcl.run(t, dir, "enable: [losttoken, unsetget]\n"+settingsWithLauncher)
		checkIssues(t, dir, issues, filterWants(wants(t, dir), func(w want) bool {
			return strings.HasPrefix(w.text, "losttoken:") || strings.HasPrefix(w.text, "unsetget:")
		}))
	})

	t.Run("disable all", func(t *testing.T) {
		dir := lintModule(t)
		issues, code := gcl.run(t, dir, "disable: ["+strings.Join(analyzerNames(), ", ")+"]")
		if code != 0 {
			t.Errorf("exit status %d, want 0", code)
		}
		checkIssues(t, dir, issues, nil)
	})

	// The suppressed lines are findings once their directives no longer
	// name ctxvarlint or the analyzer: the directives, not the analyzers,
	// keep them quiet.
	t.Run("directives", func(t *testing.T) {
		dir := lintModule(t)
		suppressed := retargetDirectives(t, dir)
		issues, _ := gcl.run(t, dir, settingsWithLauncher)
		checkIssues(t, dir, issues, slices.Concat(wants(t, dir), suppressed))
	})

	t.Run("no launchers", func(t *testing.T) {
		dir := lintModule(t)
		issues, _ := gcl.run(t, dir, "")
		checkIssues(t, dir, issues, filterWants(wants(t, dir), func(w want) bool {
			// barego's name for the launcher, and unsetget's.
			return !strings.Contains(w.text, "pool.(*Pool).Go") && !strings.Contains(w.text, "pool.Pool.Go")
		}))
	})

	for _, tc := range []struct {
		name, settings string
		want           []string
	}{
		{
			"misspelled setting",
			"barego:\n  lanchers: [\"(*example.com/gcltest/pool.Pool).Go\"]",
			[]string{`unknown setting "barego.lanchers"`, "the settings of barego are launchers"},
		},
		{
			"unknown analyzer",
			"disable: [bargo]",
			[]string{`setting "disable": unknown analyzer "bargo"`},
		},
		{
			"malformed launcher",
			"barego:\n  launchers: [\"*example.com/gcltest/pool.Pool.Go\"]",
			[]string{`setting "barego.launchers": malformed launcher "*example.com/gcltest/pool.Pool.Go"`},
		},
		{
			"list for a section",
			"barego: [launchers]",
			[]string{`setting "barego" must be a mapping of launchers, spawners, not a list`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := lintModule(t)
			out, code := gcl.runRaw(t, dir, writeConfig(t, tc.settings))
			if code != 3 {
				t.Errorf("exit status %d, want 3 (failure)", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}

	// The example configuration must be accepted as it is, and run the
	// plugin alongside golangci-lint's standard linters.
	t.Run("example config", func(t *testing.T) {
		dir := lintModule(t)
		cfg, err := filepath.Abs(filepath.Join("..", ".golangci.example.yml"))
		if err != nil {
			t.Fatal(err)
		}
		out, code := gcl.runRaw(t, dir, cfg)
		if code != 0 && code != 1 {
			t.Fatalf("exit status %d with .golangci.example.yml:\n%s", code, out)
		}
		if !strings.Contains(out, "(ctxvarlint)") {
			t.Errorf("no ctxvarlint finding with .golangci.example.yml:\n%s", out)
		}
	})
}

// settingsWithLauncher tells barego, and through it unsetget, about the
// testdata pool, whose Go barego cannot recognize by itself.
const settingsWithLauncher = `barego:
  launchers:
    - (*example.com/gcltest/pool.Pool).Go`

// A want is a finding that the testdata expects: the issue at file:line
// whose text starts with text.
type want struct {
	file string // relative to the module root, with slashes
	line int
	text string
}

func (w want) String() string { return fmt.Sprintf("%s:%d: %s", w.file, w.line, w.text) }

// wants collects the findings the module in dir marks with comments
// // want "text".
func wants(t *testing.T, dir string) []want {
	t.Helper()
	var ws []want
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		sc := bufio.NewScanner(bytes.NewReader(src))
		for line := 1; sc.Scan(); line++ {
			_, quoted, ok := strings.Cut(sc.Text(), "// want ")
			if !ok {
				continue
			}
			text, err := strconv.Unquote(quoted)
			if err != nil {
				return fmt.Errorf("%s:%d: malformed want comment: %v", rel, line, err)
			}
			ws = append(ws, want{filepath.ToSlash(rel), line, text})
		}
		return sc.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) == 0 {
		t.Fatal("the testdata marks no findings")
	}
	return ws
}

// retargetDirectives rewrites the module's //nolint:ctxvarlint and
// //lint:ignore barego directives to name other linters and analyzers, and
// returns the findings they suppressed: one on the directive's line, or on
// the next line for a directive on a line of its own.
func retargetDirectives(t *testing.T, dir string) []want {
	t.Helper()
	var ws []want
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		lines := strings.SplitAfter(string(src), "\n")
		for i, line := range lines {
			code, comment, ok := strings.Cut(line, "//")
			if !ok {
				continue
			}
			var retargeted string
			switch {
			case strings.HasPrefix(comment, "nolint:ctxvarlint"):
				retargeted = "nolint:govet" + strings.TrimPrefix(comment, "nolint:ctxvarlint")
			case strings.HasPrefix(comment, "lint:ignore barego "):
				retargeted = "lint:ignore losttoken " + strings.TrimPrefix(comment, "lint:ignore barego ")
			default:
				continue
			}
			lines[i] = code + "//" + retargeted
			target := i + 1
			if strings.TrimSpace(code) == "" {
				target++
			}
			ws = append(ws, want{filepath.ToSlash(rel), target, ""})
		}
		return os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) == 0 {
		t.Fatal("the testdata has no directives to retarget")
	}
	return ws
}

func filterWants(ws []want, keep func(want) bool) []want {
	return slices.DeleteFunc(slices.Clone(ws), func(w want) bool { return !keep(w) })
}

// An issue is the part of golangci-lint's JSON report that the test checks.
type issue struct {
	FromLinter string
	Text       string
	Pos        struct {
		Filename string
		Line     int
	}
}

// checkIssues checks that issues are exactly the findings ws: every
// finding reported once, by the ctxvarlint linter, and nothing else.
func checkIssues(t *testing.T, dir string, issues []issue, ws []want) {
	t.Helper()
	matched := make([]bool, len(ws))
	for _, is := range issues {
		rel, err := filepath.Rel(dir, is.Pos.Filename)
		if err != nil {
			rel = is.Pos.Filename
		}
		rel = filepath.ToSlash(rel)
		i := slices.IndexFunc(ws, func(w want) bool {
			return w.file == rel && w.line == is.Pos.Line && strings.HasPrefix(is.Text, w.text)
		})
		switch {
		case i < 0:
			t.Errorf("unexpected issue %s:%d: %s (%s)", rel, is.Pos.Line, is.Text, is.FromLinter)
		case matched[i]:
			t.Errorf("issue reported twice: %s:%d: %s", rel, is.Pos.Line, is.Text)
		default:
			matched[i] = true
			if is.FromLinter != Name {
				t.Errorf("%s:%d: issue from linter %q, want %q", rel, is.Pos.Line, is.FromLinter, Name)
			}
		}
	}
	for i, w := range ws {
		if !matched[i] {
			t.Errorf("missing issue %v", w)
		}
	}
}

// checkGolden checks that every file of the fixed module in dir equals its
// .golden file in testdata, or is unchanged when it has none.
func checkGolden(t *testing.T, dir string) {
	t.Helper()
	src := filepath.Join("testdata", "mod")
	goldens := 0
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		want, err := os.ReadFile(path + ".golden")
		if errors.Is(err, fs.ErrNotExist) {
			want, err = os.ReadFile(path)
		} else {
			goldens++
		}
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s after --fix:\n%s\nwant:\n%s", rel, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if goldens == 0 {
		t.Error("testdata has no .golden files")
	}
}

// lintModule copies testdata/mod to a new directory, without the .golden
// files and with the runtime replaced by this repository, and returns it.
func lintModule(t *testing.T) string {
	t.Helper()
	src := filepath.Join("testdata", "mod")
	dst := t.TempDir()
	if err := copyTree(dst, src, func(rel string) bool { return !strings.HasSuffix(rel, ".golden") }); err != nil {
		t.Fatal(err)
	}
	goCmd(t, dst, "mod", "edit", "-replace=github.com/ctxvar/ctxvar="+repoRoot(t))
	return dst
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyTree copies the regular files under src that keep accepts (by their
// path relative to src) to dst.
func copyTree(dst, src string, keep func(rel string) bool) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() || !keep(rel) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// writeConfig writes a golangci-lint configuration that runs only
// ctxvarlint, with settings (YAML, possibly empty) as the plugin's settings,
// and returns its path.
func writeConfig(t *testing.T, settings string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`version: "2"
linters:
  default: none
  enable: [ctxvarlint]
  settings:
    custom:
      ctxvarlint:
        type: module
        description: context variables used without their Context
`)
	if settings != "" {
		b.WriteString("        settings:\n")
		for line := range strings.Lines(settings) {
			b.WriteString("          " + line)
		}
		b.WriteString("\n")
	}
	b.WriteString(`issues:
  max-issues-per-linter: 0
  max-same-issues: 0
  uniq-by-line: false
`)
	path := filepath.Join(t.TempDir(), ".golangci.yml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A gclBinary is a golangci-lint binary built with the plugin.
type gclBinary struct {
	path string
}

// run runs golangci-lint with the plugin settings on the module in dir and
// returns its issues and exit status. It fails the test when golangci-lint
// fails rather than reports.
func (g *gclBinary) run(t *testing.T, dir, settings string, args ...string) ([]issue, int) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	out, code := g.runRaw(t, dir, writeConfig(t, settings), append([]string{"--output.json.path=" + report}, args...)...)
	if code != 0 && code != 1 {
		t.Fatalf("golangci-lint failed with exit status %d:\n%s", code, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ Issues []issue }
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("golangci-lint's JSON report: %v\n%s", err, data)
	}
	return r.Issues, code
}

// runRaw runs golangci-lint run with the configuration file config on the
// module in dir and returns its combined output and exit status.
func (g *gclBinary) runRaw(t *testing.T, dir, config string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(g.path, append([]string{"run", "--config=" + config, "--path-mode=abs", "--allow-parallel-runners"}, append(args, "./...")...)...)
	cmd.Dir = dir
	// golangci-lint keys its cached results by the packages' contents and
	// paths within their modules, which the copies of testdata/mod share:
	// a cache of its own makes each run analyze its copy.
	cmd.Env = append(goEnv(), "GOLANGCI_LINT_CACHE="+t.TempDir(), "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running golangci-lint: %v", err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// golangciLint returns golangci-lint built with the plugin: from the cache
// when this machine built it for the same plugin sources and golangci-lint
// version before, else freshly built from the module proxy.
func golangciLint(t *testing.T) *gclBinary {
	t.Helper()
	version := golangciVersion(t)
	hash := pluginHash(t, version)
	cacheDir, err := os.UserCacheDir()
	if err != nil {
		t.Skipf("no cache directory for the golangci-lint binary: %v", err)
	}
	cacheDir = filepath.Join(cacheDir, "ctxvar")
	name := "golangci-lint-" + version + "-" + hash
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(cacheDir, name)
	if _, err := os.Stat(bin); err == nil {
		t.Logf("using the cached %s", bin)
	} else {
		buildGolangciLint(t, version, hash, cacheDir, bin)
	}
	return &gclBinary{path: bin}
}

// golangciVersion returns the golangci-lint version gclbuild/go.mod pins.
func golangciVersion(t *testing.T) string {
	t.Helper()
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(goCmd(t, "gclbuild", "mod", "edit", "-json"), &mod); err != nil {
		t.Fatal(err)
	}
	for _, r := range mod.Require {
		if r.Path == golangciModule {
			return r.Version
		}
	}
	t.Fatalf("gclbuild/go.mod does not require %s", golangciModule)
	return ""
}

// pluginHash hashes what goes into the binary from this repository: the
// files of the main module's packages that the plugin imports, the
// go.mod and go.sum files, gclbuild, the golangci-lint version and the Go
// toolchain.
func pluginHash(t *testing.T, version string) string {
	t.Helper()
	root := repoRoot(t)
	files := []string{"go.mod", "go.sum"}
	entries, err := os.ReadDir("gclbuild")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if isGclbuildFile(e.Name()) {
			files = append(files, filepath.Join("plugin", "gclbuild", e.Name()))
		}
	}
	out := goCmd(t, ".", "list", "-deps", "-json=Dir,Module,GoFiles,CgoFiles,SFiles,CFiles,HFiles,EmbedFiles,SysoFiles", ".")
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			Dir                                       string
			Module                                    *struct{ Main bool }
			GoFiles, CgoFiles, SFiles, CFiles, HFiles []string
			EmbedFiles, SysoFiles                     []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if p.Module == nil || !p.Module.Main {
			continue
		}
		for _, f := range slices.Concat(p.GoFiles, p.CgoFiles, p.SFiles, p.CFiles, p.HFiles, p.EmbedFiles, p.SysoFiles) {
			rel, err := filepath.Rel(root, filepath.Join(p.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, rel)
		}
	}
	slices.Sort(files)
	files = slices.Compact(files)
	h := sha256.New()
	goVersion := strings.TrimSpace(string(goCmd(t, ".", "env", "GOVERSION")))
	fmt.Fprintf(h, "golangci-lint %s\ngo %s %s/%s\n", version, goVersion, runtime.GOOS, runtime.GOARCH)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(f), len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// isGclbuildFile reports whether the file rel of gclbuild goes into the
// build: go.mod, go.sum and the Go files at its top.
func isGclbuildFile(rel string) bool {
	return filepath.Dir(rel) == "." && (rel == "go.mod" || rel == "go.sum" || strings.HasSuffix(rel, ".go"))
}

// buildGolangciLint builds golangci-lint with the plugin into bin, from a
// copy of gclbuild with golangci-lint's own main.go, as
// docs/golangci-lint.md describes. It skips the test when the module proxy
// cannot provide golangci-lint's modules.
func buildGolangciLint(t *testing.T, version, hash, cacheDir, bin string) {
	t.Helper()
	start := time.Now()
	if proxy := strings.TrimSpace(string(goCmd(t, ".", "env", "GOPROXY"))); proxy == "off" {
		t.Skip("GOPROXY=off: the module proxy cannot provide golangci-lint, and no binary is cached")
	}
	work := t.TempDir()
	if err := copyTree(work, "gclbuild", isGclbuildFile); err != nil {
		t.Fatal(err)
	}
	goCmd(t, work, "mod", "edit", "-replace=github.com/ctxvar/ctxvar="+repoRoot(t))

	// Everything the build needs comes from the module proxy (or the
	// module cache): when it cannot, there is nothing to test.
	out, err := goOutput(work, "mod", "download", "-json", golangciModule+"@"+version)
	if err != nil {
		t.Skipf("the module proxy cannot provide golangci-lint %s: %v\n%s", version, err, out)
	}
	var dl struct{ Dir string }
	if err := json.Unmarshal(out, &dl); err != nil {
		t.Fatal(err)
	}
	main, err := os.ReadFile(filepath.Join(dl.Dir, "cmd", "golangci-lint", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.go"), main, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := goOutput(work, "mod", "download"); err != nil {
		t.Skipf("the module proxy cannot provide the dependencies of golangci-lint %s: %v\n%s", version, err, out)
	}
	goCmd(t, work, "mod", "tidy")

	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := bin + ".tmp" + strconv.Itoa(os.Getpid())
	defer os.Remove(tmp)
	// golangci-lint salts its cache with its version: a version that names
	// the plugin's hash keeps one build's cached results from another's.
	ldflags := fmt.Sprintf("-s -w -X main.version=%s-ctxvarlint-%s -X main.date=%s",
		version, hash, time.Now().UTC().Format(time.RFC3339))
	goCmd(t, work, "build", "-ldflags="+ldflags, "-o="+tmp, ".")
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Second))
	pruneCache(t, cacheDir, bin)
}

// pruneCache removes all but the most recent binaries from the cache,
// keeping bin, so that changes of the plugin do not pile binaries up.
func pruneCache(t *testing.T, cacheDir, bin string) {
	const keep = 3 // bin and the two most recent others
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		t.Logf("pruning %s: %v", cacheDir, err)
		return
	}
	type built struct {
		path string
		mod  time.Time
	}
	var others []built
	for _, e := range entries {
		path := filepath.Join(cacheDir, e.Name())
		if !strings.HasPrefix(e.Name(), "golangci-lint-") || strings.Contains(e.Name(), ".tmp") || path == bin {
			continue
		}
		if info, err := e.Info(); err == nil {
			others = append(others, built{path, info.ModTime()})
		}
	}
	slices.SortFunc(others, func(a, b built) int { return b.mod.Compare(a.mod) })
	for _, b := range others[min(keep-1, len(others)):] {
		if err := os.Remove(b.path); err != nil {
			t.Logf("pruning %s: %v", b.path, err)
		}
	}
}

// goEnv is the environment of the go commands the test runs, directly or
// through golangci-lint: outside any workspace, and free to update go.mod
// and go.sum, whatever other GOFLAGS the caller set.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
}

// goOutput runs the go command in dir with goEnv and returns its standard
// output, or its standard error and the error when it fails.
func goOutput(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return stderr.Bytes(), err
	}
	return out, nil
}

// goCmd is goOutput for commands that must succeed.
func goCmd(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	out, err := goOutput(dir, args...)
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return out
}

// analyzerNames returns the names of every analyzer, in the order of
// analyzers.All.
func analyzerNames() []string {
	var names []string
	for _, a := range analyzers.All {
		names = append(names, a.Name)
	}
	return names
}
