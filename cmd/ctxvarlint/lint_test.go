package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/analyzers/barego"
)

var update = flag.Bool("update", false, "rewrite the .golden files of the testdata modules from the command's output")

// The multipkg module has a package of Vars, helpers and launchers (lib), a
// package that misuses them across the package boundary (app, with a test
// file, a generated file and a suppressed finding), a package that uses
// them correctly (clean) and a package that calls removed API (legacy),
// which does not type-check until fixed.

// sharedModules holds one copy of each testdata module for the tests that
// only read it.
var sharedModules = struct {
	sync.Mutex
	dirs map[string]string
}{dirs: make(map[string]string)}

func sharedModule(t *testing.T, name string) string {
	t.Helper()
	sharedModules.Lock()
	defer sharedModules.Unlock()
	if dir, ok := sharedModules.dirs[name]; ok {
		return dir
	}
	dir := copyModuleTo(t, name, filepath.Join(tmpRoot, "shared"))
	sharedModules.dirs[name] = dir
	return dir
}

// typeCheckedPkgs are the multipkg packages that type-check as they are.
var typeCheckedPkgs = []string{"./app", "./lib", "./clean"}

// skippedLine is the error line of an analyzer that does not run on
// packages with errors, printed once per such package: every analyzer but
// removedapi, which reads code that does not type-check.
var skippedLine = regexp.MustCompile(`^(` + strings.Join(skippingAnalyzers(), "|") + `): (analysis skipped due to errors in package|failed prerequisites: .*)$`)

// skippingAnalyzers returns the names of the analyzers that skip packages
// with errors.
func skippingAnalyzers() []string {
	var names []string
	for _, a := range analyzers.All {
		if !a.RunDespiteErrors {
			names = append(names, a.Name)
		}
	}
	return names
}

// TestFindings runs the command on the whole module and checks every
// finding of the four analyzers against the want comments of the sources,
// in both text and JSON output, and the exit statuses.
func TestFindings(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")
	ws := wants(t, dir)
	if got, want := analyzersOf(ws), []string{"barego", "losttoken", "removedapi", "unsetget"}; !slices.Equal(got, want) {
		t.Fatalf("the want comments name the analyzers %v, want all of %v", got, want)
	}

	js := run(t, dir, bin, "-json", "./...")
	if js.code != 1 {
		t.Errorf("-json on a module with a package that does not type-check: exit status %d, want 1\n%v", js.code, js)
	}
	jsonFound, fixes, errs := parseJSON(t, dir, js.stdout)
	checkWants(t, jsonFound, ws)
	for _, name := range []string{"barego", "losttoken", "removedapi"} {
		if fixes[name] == 0 {
			t.Errorf("-json shows no suggested fix from %s", name)
		}
	}
	for key, err := range errs {
		if !strings.HasPrefix(key, "example.com/multipkg/legacy: ") || !skippedLine.MatchString(strings.TrimPrefix(key, "example.com/multipkg/legacy: ")+": "+err) {
			t.Errorf("-json: unexpected error %s: %s", key, err)
		}
	}

	text := run(t, dir, bin, "./...")
	if text.code != 1 {
		t.Errorf("exit status %d on a module with a package that does not type-check, want 1\n%v", text.code, text)
	}
	if text.stdout != "" {
		t.Errorf("text output on stdout:\n%s", text.stdout)
	}
	textFound, other := textFindings(dir, text.stderr)
	var compileErrors []finding
	textFound = slices.DeleteFunc(textFound, func(f finding) bool {
		// The legacy package's type errors have the same form as findings.
		if f.file == "legacy/legacy.go" && strings.Contains(f.message, "undefined") {
			compileErrors = append(compileErrors, f)
			return true
		}
		return false
	})
	checkWants(t, textFound, ws)
	sameFindings(t, textFound, jsonFound)
	if len(compileErrors) != 2 {
		t.Errorf("want the 2 type errors of legacy/legacy.go, got %v", compileErrors)
	}
	for _, line := range other {
		if !skippedLine.MatchString(line) {
			t.Errorf("unexpected output line %q", line)
		}
	}
}

// sameFindings checks that text and JSON output show the same findings.
func sameFindings(t *testing.T, text, json []finding) {
	t.Helper()
	var a, b []string
	for _, f := range text {
		a = append(a, f.pos())
	}
	for _, f := range json {
		b = append(b, f.pos())
	}
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("text and JSON output differ:\ntext:\n%s\njson:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
}

// TestExitStatus checks the statuses of runs without package errors: 3 when
// the command reports, 0 when it does not.
func TestExitStatus(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")

	r := run(t, dir, bin, typeCheckedPkgs...)
	if r.code != 3 {
		t.Errorf("exit status %d with findings, want 3\n%v", r.code, r)
	}
	found, other := textFindings(dir, r.stderr)
	if len(found) == 0 || len(other) > 0 {
		t.Errorf("want findings only, got %d findings and other lines %q", len(found), other)
	}

	r = run(t, dir, bin, "./clean")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("on the clean package: want exit status 0 and no output\n%v", r)
	}
}

// TestDisableAnalyzer checks that -NAME=false leaves analyzer NAME's
// findings out, and that -json exits with status 0 although it reports.
func TestDisableAnalyzer(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")
	r := run(t, dir, bin, append([]string{"-json", "-losttoken=false"}, typeCheckedPkgs...)...)
	if r.code != 0 {
		t.Errorf("exit status %d with -json, want 0\n%v", r.code, r)
	}
	found, _, _ := parseJSON(t, dir, r.stdout)
	checkWants(t, found, slices.DeleteFunc(wants(t, dir), func(w want) bool {
		return w.analyzer == "losttoken" || w.file == "legacy/legacy.go"
	}))
}

// TestAnalyzerFlag checks that an analyzer's own flag reaches it:
// lib.Enqueue runs its argument on a worker goroutine, which barego cannot
// see in its body, and is reported once -barego.launchers names it.
func TestAnalyzerFlag(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")
	line := lineOf(t, filepath.Join(dir, "app", "app.go"), "lib.Enqueue(")

	r := run(t, dir, bin, "-json", "-barego", "-barego.launchers=example.com/multipkg/lib.Enqueue", "./app")
	found, _, _ := parseJSON(t, dir, r.stdout)
	ws := slices.DeleteFunc(wants(t, dir), func(w want) bool { return w.analyzer != "barego" || !strings.HasPrefix(w.file, "app/") })
	ws = append(ws, want{analyzer: "barego", file: "app/app.go", line: line, re: regexp.MustCompile(`^lib\.Enqueue runs its function on another goroutine`)})
	checkWants(t, found, ws)

	r = run(t, dir, bin, "-barego.launchers=nodot", "./app")
	if r.code == 0 || !strings.Contains(r.stderr, `malformed launcher "nodot"`) {
		t.Errorf("a malformed -barego.launchers value was not rejected with a message naming it\n%v", r)
	}
}

// TestBaregoAsPrerequisite checks that unsetget learns the launchers of
// -barego.launchers from barego also when barego's own findings are turned
// off: barego then runs only as unsetget's prerequisite and prints nothing.
// lib.Enqueue's argument gets lib.User, which has no default, on a worker
// goroutine: unsetget reports it once -barego.launchers names lib.Enqueue.
func TestBaregoAsPrerequisite(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")
	enqueue := want{
		analyzer: "unsetget",
		file:     "app/app.go",
		line:     lineOf(t, filepath.Join(dir, "app", "app.go"), "lib.Enqueue("),
		re:       regexp.MustCompile(`^lib\.CurrentUser calls lib\.User\.Get .* started by lib\.Enqueue at app\.go:\d+ \(it starts with an empty Context\)`),
	}
	for _, tc := range []struct {
		enable string
		keep   func(want) bool // the wants of ./app that the flags keep
	}{
		{"-barego=false", func(w want) bool { return w.analyzer != "barego" }},
		{"-unsetget", func(w want) bool { return w.analyzer == "unsetget" }},
	} {
		ws := slices.DeleteFunc(wants(t, dir), func(w want) bool { return !strings.HasPrefix(w.file, "app/") || !tc.keep(w) })
		ws = append(ws, enqueue)
		args := []string{tc.enable, "-barego.launchers=example.com/multipkg/lib.Enqueue", "./app"}

		js := run(t, dir, bin, append([]string{"-json"}, args...)...)
		found, _, errs := parseJSON(t, dir, js.stdout)
		checkWants(t, found, ws)
		if js.code != 0 || len(errs) > 0 {
			t.Errorf("-json %s: exit status %d, errors %v; want 0 and none\n%v", tc.enable, js.code, errs, js)
		}

		text := run(t, dir, bin, args...)
		if text.code != 3 {
			t.Errorf("%s: exit status %d, want 3\n%v", tc.enable, text.code, text)
		}
		textFound, other := textFindings(dir, text.stderr)
		checkWants(t, textFound, ws)
		if len(other) > 0 || text.stdout != "" {
			t.Errorf("%s: unexpected output %q\n%v", tc.enable, other, text)
		}
	}
}

// lineOf returns the number of the first line of file that contains s.
func lineOf(t *testing.T, file, s string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line containing %q", file, s)
	return 0
}

// TestHelp checks that help NAME prints the analyzer's documentation and
// flags, and help the list of analyzers.
func TestHelp(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	r := run(t, t.TempDir(), bin, "help", "barego")
	if r.code != 0 {
		t.Fatalf("help barego: exit status %d\n%v", r.code, r)
	}
	if !strings.HasPrefix(r.stdout, "barego: ") || !strings.Contains(r.stdout, "-barego.launchers") {
		t.Errorf("help barego does not start with the title or lacks the flags:\n%s", r.stdout)
	}
	for _, para := range strings.Split(barego.Analyzer.Doc, "\n\n")[1:] {
		if !strings.Contains(r.stdout, para) {
			t.Errorf("help barego lacks the paragraph\n%s", para)
		}
	}

	r = run(t, t.TempDir(), bin, "help")
	if r.code != 0 {
		t.Fatalf("help: exit status %d\n%v", r.code, r)
	}
	for _, a := range analyzers.All {
		if !regexp.MustCompile(`(?m)^\s+` + a.Name + `\s`).MatchString(r.stdout) {
			t.Errorf("help does not list %s:\n%s", a.Name, r.stdout)
		}
	}

	r = run(t, t.TempDir(), bin, "help", "nosuchanalyzer")
	if r.code == 0 {
		t.Errorf("help of an unknown analyzer succeeded\n%v", r)
	}
}

// TestFix applies the suggested fixes of the four analyzers to the whole
// module: the fixed files must match the .golden files, the other files
// must not change, the fixed module must build and vet, and the command
// must have nothing left to report.
func TestFix(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := copyModule(t, "multipkg")
	r := run(t, dir, bin, "-fix", "./...")
	// The legacy package's type errors are reported before its fixes are
	// applied, so the status says the run met errors.
	if r.code != 1 {
		t.Errorf("-fix: exit status %d, want 1 for the package errors\n%v", r.code, r)
	}
	checkFixed(t, dir, "multipkg", nil)
	build(t, dir)
	r = run(t, dir, bin, "./...")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("the fixed module still has findings\n%v", r)
	}
}

// TestDiff checks that -fix -diff prints the fixes as a unified diff and
// changes no file.
func TestDiff(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := copyModule(t, "multipkg")
	r := run(t, dir, bin, "-fix", "-diff", "./app", "./lib", "./clean")
	if r.code != 0 {
		t.Errorf("-fix -diff: exit status %d, want 0\n%v", r.code, r)
	}
	appGo := filepath.Join(dir, "app", "app.go")
	for _, s := range []string{
		"--- " + appGo + " (old)\n",
		"+++ " + appGo + " (new)\n",
		"\n-\tgo audit(l, &wg)",
		"\n+\tctxvar.Spawn(func() { audit(l, &wg) })",
		"\n+\tdefer lib.RequestID.Reset(lib.RequestID.Set(id))",
		"\n+\tt.Run(\"logf\", ctxvar.BindArg(func(t *testing.T) {",
	} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("-fix -diff output lacks %q:\n%s", s, r.stdout)
		}
	}
	checkUnchanged(t, dir, "multipkg")
}

// TestBroken runs the command on a module with a file that does not parse,
// a package that does not type-check because it calls removed API, and a
// package that imports it: the command prints the errors and removedapi's
// findings, exits with status 1 and does not crash, whatever the flags.
func TestBroken(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := copyModule(t, "broken")
	ws := wants(t, dir)

	r := run(t, dir, bin, "./...")
	if r.code != 1 {
		t.Errorf("exit status %d, want 1\n%v", r.code, r)
	}
	found, other := textFindings(dir, r.stderr)
	for _, s := range []string{
		"syntax/syntax.go:12:40: expression in go must be function call",
		"removed/removed.go:13:9: undefined: ctxvar.EnableInherit",
		"removed/removed.go:23:12: RequestID.Delete undefined",
		"removed/removed.go:27:27: undefined: requests",
	} {
		if !slices.ContainsFunc(found, func(f finding) bool { return strings.HasPrefix(f.pos(), s) }) {
			t.Errorf("output lacks the error %q\n%v", s, r)
		}
	}
	found = slices.DeleteFunc(found, func(f finding) bool {
		return strings.Contains(f.message, "undefined") || strings.Contains(f.message, "must be function call")
	})
	checkWants(t, found, ws)
	for _, line := range other {
		if !skippedLine.MatchString(line) {
			t.Errorf("unexpected output line %q", line)
		}
	}

	js := run(t, dir, bin, "-json", "./...")
	if js.code != 1 {
		t.Errorf("-json: exit status %d, want 1\n%v", js.code, js)
	}
	jsonFound, _, errs := parseJSON(t, dir, js.stdout)
	checkWants(t, jsonFound, ws)
	for key, err := range errs {
		name := key[strings.LastIndex(key, " ")+1:]
		if !skippedLine.MatchString(name + ": " + err) {
			t.Errorf("-json: unexpected error %s: %s", key, err)
		}
	}

	fix := run(t, dir, bin, "-fix", "./...")
	if fix.code != 1 {
		t.Errorf("-fix: exit status %d, want 1\n%v", fix.code, fix)
	}
	removed, err := os.ReadFile(filepath.Join(dir, "removed", "removed.go"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(removed), "Inherit()") || !strings.Contains(string(removed), "RequestID.Delete()") {
		t.Errorf("-fix should delete the Inherit calls and keep Delete, which has no fix:\n%s", removed)
	}
}

// checkFixed compares the .go files of the module in dir, after fixes,
// with the testdata module name: a file listed in fixed (every file with a
// .golden file when fixed is nil) must equal its .golden file, and the
// others must be unchanged. With -update it rewrites the .golden files
// instead.
func checkFixed(t *testing.T, dir, name string, fixed []string) {
	t.Helper()
	src := filepath.Join(repoRoot(), "testdata", name)
	for _, rel := range goFiles(t, src) {
		golden := filepath.Join(src, rel+".golden")
		_, err := os.Stat(golden)
		hasGolden := err == nil
		if fixed != nil && !slices.Contains(fixed, rel) {
			hasGolden = false
		}
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		want := golden
		if !hasGolden {
			want = filepath.Join(src, rel)
		} else if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		wantData, err := os.ReadFile(want)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(wantData) {
			t.Errorf("%s after the fixes differs from %s:\n%s", rel, relFile(repoRoot(), want), got)
		}
	}
}

// checkUnchanged checks that no .go file of the copy in dir differs from
// the testdata module name.
func checkUnchanged(t *testing.T, dir, name string) {
	t.Helper()
	checkFixed(t, dir, name, []string{})
}

// goFiles returns the .go files under dir, relative to it.
func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			files = append(files, relFile(dir, path))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// build builds and vets the packages of the module in dir.
func build(t *testing.T, dir string, pkgs ...string) {
	t.Helper()
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	for _, verb := range []string{"build", "vet"} {
		if r := run(t, dir, "go", append([]string{verb}, pkgs...)...); r.code != 0 {
			t.Errorf("go %s of the fixed module failed\n%v", verb, r)
		}
	}
}
