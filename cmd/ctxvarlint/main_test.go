package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The tests run the command as users do: a binary built once from this
// package, in copies of the modules under the repository's testdata
// directory, offline.

var tmpRoot string // removed by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ctxvarlint-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	tmpRoot = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the root of the ctxvar module, which the testdata modules
// replace github.com/ctxvar/ctxvar with.
var repoRoot = sync.OnceValue(func() string {
	dir, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return dir
})

// goEnv is the environment of every go command and ctxvarlint run: module
// mode with only the module cache, so that the tests run offline and never
// consult a workspace or download a toolchain.
func goEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
}

// ctxvarlint returns the path of the command's binary, building it the first
// time.
func ctxvarlint(t *testing.T) string {
	t.Helper()
	bin, err := buildCtxvarlint()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

var buildCtxvarlint = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(tmpRoot, "bin", "ctxvarlint")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = goEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// copyModule copies the module testdata/name of the repository into a new
// temporary directory and points its replace directive at the repository,
// so that the command may fix files without touching the repository.
func copyModule(t *testing.T, name string) string {
	t.Helper()
	return copyModuleTo(t, name, t.TempDir())
}

// copyModuleTo is copyModule into parent, which it creates if need be.
func copyModuleTo(t *testing.T, name, parent string) string {
	t.Helper()
	if err := os.MkdirAll(parent, 0o755); err != nil {
		t.Fatal(err)
	}
	// The command prints absolute file names, which the tests make relative
	// to the module again: they must not go through a symbolic link.
	parent, err := filepath.EvalSymlinks(parent)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(repoRoot(), "testdata", name)
	dst := filepath.Join(parent, name)
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
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
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == "go.mod" {
			data = rewriteReplace(t, data)
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var replaceLine = regexp.MustCompile(`(?m)^replace github\.com/ctxvar/ctxvar => (\S+)$`)

func rewriteReplace(t *testing.T, gomod []byte) []byte {
	t.Helper()
	if !replaceLine.Match(gomod) {
		t.Fatalf("go.mod has no replace directive for github.com/ctxvar/ctxvar:\n%s", gomod)
	}
	return replaceLine.ReplaceAllLiteral(gomod, []byte("replace github.com/ctxvar/ctxvar => "+filepath.ToSlash(repoRoot())))
}

// result is the outcome of one command.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs name with args in dir and returns its output and exit status; it
// fails the test if the command could not be started, was killed or
// crashed.
func run(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	return runEnv(t, dir, nil, name, args...)
}

// runEnv is run with env added to the environment.
func runEnv(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	r := runUnchecked(t, dir, env, name, args...)
	noPanic(t, r)
	return r
}

// runUnchecked is runEnv without the check that the command did not crash.
func runUnchecked(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(goEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.Exited():
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %s: %v\n%v", name, strings.Join(args, " "), err, r)
	}
	return r
}

// noPanic fails the test if a command crashed: whatever the input, the
// command reports problems as diagnostics and errors, never as a crash.
func noPanic(t *testing.T, r result) {
	t.Helper()
	if crash.MatchString(r.stdout) || crash.MatchString(r.stderr) {
		t.Fatalf("the command crashed:\n%v", r)
	}
}

// crash matches the lines with which a Go program dies of a panic, and
// those of a stack trace.
var crash = regexp.MustCompile(`(?m)^(panic: |goroutine \d+ \[)`)

// A finding is one diagnostic, with its file relative to the module root.
type finding struct {
	analyzer string // empty when it comes from text output
	file     string
	line     int
	col      int
	message  string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: [%s] %s", f.file, f.line, f.col, f.analyzer, f.message)
}

// pos is a finding's position and message, which text and JSON output share.
func (f finding) pos() string { return fmt.Sprintf("%s:%d:%d: %s", f.file, f.line, f.col, f.message) }

var (
	textLine = regexp.MustCompile(`^(.+\.go):(\d+):(\d+): (.+)$`)
	posnRE   = regexp.MustCompile(`^(.+):(\d+):(\d+)$`)
)

// parsePosn splits file:line:col, making file relative to the module root
// dir when it lies under it.
func parsePosn(dir, posn string) (file string, line, col int, ok bool) {
	m := posnRE.FindStringSubmatch(posn)
	if m == nil {
		return "", 0, 0, false
	}
	line, _ = strconv.Atoi(m[2])
	col, _ = strconv.Atoi(m[3])
	return relFile(dir, m[1]), line, col, true
}

func relFile(dir, file string) string {
	if rel, err := filepath.Rel(dir, file); err == nil && filepath.IsAbs(file) && !strings.HasPrefix(rel, "..") {
		file = rel
	}
	return filepath.ToSlash(file)
}

// textFindings returns the findings among the lines of text output of a run
// in module dir, and the other lines.
func textFindings(dir, out string) (findings []finding, other []string) {
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		m := textLine.FindStringSubmatch(line)
		if m == nil {
			other = append(other, line)
			continue
		}
		file, l, c, _ := parsePosn(dir, m[1]+":"+m[2]+":"+m[3])
		findings = append(findings, finding{file: file, line: l, col: c, message: m[4]})
	}
	return findings, other
}

// jsonDiagnostic is a diagnostic in the output of -json.
type jsonDiagnostic struct {
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	SuggestedFixes []struct {
		Message string `json:"message"`
		Edits   []struct {
			Filename string `json:"filename"`
			Start    int    `json:"start"`
			End      int    `json:"end"`
			New      string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
}

// jsonOutput is the output of -json: package ID to analyzer name to either a
// list of diagnostics or an error.
type jsonOutput map[string]map[string]json.RawMessage

// parseJSON decodes the output of -json, checking its shape: each analyzer's
// entry is a list of diagnostics, each with a posn and a message, or an
// object with an error. It returns the findings, deduplicated across a
// package and its test variant, and the errors by package and analyzer.
func parseJSON(t *testing.T, dir, out string) (findings []finding, fixes map[string]int, errs map[string]string) {
	t.Helper()
	var tree jsonOutput
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		t.Fatalf("-json output is not a JSON object of packages: %v\n%s", err, out)
	}
	seen := make(map[string]bool)
	fixes = make(map[string]int) // by analyzer
	errs = make(map[string]string)
	for pkg, analyzers := range tree {
		for name, raw := range analyzers {
			if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
				var e struct {
					Err string `json:"error"`
				}
				if err := json.Unmarshal(raw, &e); err != nil || e.Err == "" {
					t.Fatalf("-json: %s: %s: neither a list of diagnostics nor an error: %s", pkg, name, raw)
				}
				errs[pkg+": "+name] = e.Err
				continue
			}
			var diags []jsonDiagnostic
			if err := json.Unmarshal(raw, &diags); err != nil {
				t.Fatalf("-json: %s: %s: %v", pkg, name, err)
			}
			for _, d := range diags {
				file, line, col, ok := parsePosn(dir, d.Posn)
				if !ok || d.Message == "" {
					t.Fatalf("-json: %s: %s: diagnostic without a file:line:col posn or a message: %+v", pkg, name, d)
				}
				f := finding{analyzer: name, file: file, line: line, col: col, message: d.Message}
				if seen[f.String()] {
					continue
				}
				seen[f.String()] = true
				findings = append(findings, f)
				for _, fix := range d.SuggestedFixes {
					if fix.Message == "" || len(fix.Edits) == 0 || fix.Edits[0].Filename == "" {
						t.Fatalf("-json: %s: %s: suggested fix without a message or edits: %+v", pkg, name, fix)
					}
				}
				if len(d.SuggestedFixes) > 0 {
					fixes[name]++
				}
			}
		}
	}
	sortFindings(findings)
	return findings, fixes, errs
}

func sortFindings(fs []finding) {
	slices.SortFunc(fs, func(a, b finding) int {
		return cmp.Or(strings.Compare(a.file, b.file), cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col),
			strings.Compare(a.analyzer, b.analyzer), strings.Compare(a.message, b.message))
	})
}

// A want is an expected finding, written in a testdata source file as a
// comment on the line of the finding:
//
//	go audit() // want barego `audit`
//
// Several analyzer/regexp pairs may follow one want.
type want struct {
	analyzer string
	file     string
	line     int
	re       *regexp.Regexp
}

func (w want) String() string { return fmt.Sprintf("%s:%d: [%s] %s", w.file, w.line, w.analyzer, w.re) }

var (
	wantComment = regexp.MustCompile("// want (.*)$")
	wantPair    = regexp.MustCompile("\\s*(\\w+) `([^`]*)`")
)

// wants collects the want comments of the .go files under dir.
func wants(t *testing.T, dir string) []want {
	t.Helper()
	var ws []want
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel := relFile(dir, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			m := wantComment.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			rest := m[1]
			for rest != "" {
				p := wantPair.FindStringSubmatchIndex(rest)
				if p == nil || p[0] != 0 {
					t.Fatalf("%s:%d: malformed want comment %q", rel, i+1, m[0])
				}
				ws = append(ws, want{analyzer: rest[p[2]:p[3]], file: rel, line: i + 1, re: regexp.MustCompile(rest[p[4]:p[5]])})
				rest = strings.TrimSpace(rest[p[1]:])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// checkWants matches findings against wants one to one and reports the
// findings nobody wanted and the wants nothing found. Findings from text
// output, which do not name their analyzer, match a want of any analyzer.
func checkWants(t *testing.T, findings []finding, ws []want) {
	t.Helper()
	used := make([]bool, len(ws))
outer:
	for _, f := range findings {
		for i, w := range ws {
			if !used[i] && w.file == f.file && w.line == f.line &&
				(f.analyzer == "" || f.analyzer == w.analyzer) && w.re.MatchString(f.message) {
				used[i] = true
				continue outer
			}
		}
		t.Errorf("unexpected finding %v", f)
	}
	for i, w := range ws {
		if !used[i] {
			t.Errorf("no finding for want %v", w)
		}
	}
}

// analyzersOf returns the names of the analyzers the wants name.
func analyzersOf(ws []want) []string {
	var names []string
	for _, w := range ws {
		if !slices.Contains(names, w.analyzer) {
			names = append(names, w.analyzer)
		}
	}
	slices.Sort(names)
	return names
}
