package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"go/format"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers"
)

// sarifLog is the part of a SARIF 2.1.0 log that the tests read, decoded
// independently of the library that writes it.
type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string      `json:"name"`
				Version        string      `json:"version"`
				InformationURI string      `json:"informationUri"`
				Rules          []sarifRule `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		ColumnKind         string `json:"columnKind"`
		OriginalURIBaseIDs map[string]struct {
			URI string `json:"uri"`
		} `json:"originalUriBaseIds"`
		Results   []sarifResult `json:"results"`
		Artifacts []struct {
			Location sarifArtifact `json:"location"`
		} `json:"artifacts"`
		Invocations []struct {
			ExecutionSuccessful *bool               `json:"executionSuccessful"`
			ExitCode            *int                `json:"exitCode"`
			Notifications       []sarifNotification `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID               string    `json:"id"`
	ShortDescription sarifText `json:"shortDescription"`
	FullDescription  sarifText `json:"fullDescription"`
	Help             sarifText `json:"help"`
	HelpURI          string    `json:"helpUri"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations"`
	Fixes            []struct {
		Description     sarifText `json:"description"`
		ArtifactChanges []struct {
			ArtifactLocation sarifArtifact `json:"artifactLocation"`
			Replacements     []struct {
				DeletedRegion   sarifRegion `json:"deletedRegion"`
				InsertedContent *struct {
					Text string `json:"text"`
				} `json:"insertedContent"`
			} `json:"replacements"`
		} `json:"artifactChanges"`
	} `json:"fixes"`
}

type sarifNotification struct {
	Level          string          `json:"level"`
	Message        sarifText       `json:"message"`
	Locations      []sarifLocation `json:"locations"`
	AssociatedRule *struct {
		ID    string `json:"id"`
		Index int    `json:"index"`
	} `json:"associatedRule"`
}

type sarifLocation struct {
	Message          sarifText `json:"message"`
	PhysicalLocation struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	} `json:"physicalLocation"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
	Index     *int   `json:"index"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func (r sarifRegion) String() string {
	return fmt.Sprintf("%d:%d-%d:%d", r.StartLine, r.StartColumn, r.EndLine, r.EndColumn)
}

// runSARIFLog runs the command with -sarif and the args in module dir and
// returns its result and the log it wrote, which it checks has one run
// with an invocation.
func runSARIFLog(t *testing.T, dir string, args ...string) (result, *sarifLog) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "ctxvarlint.sarif")
	r := run(t, dir, ctxvarlint(t), append([]string{"-sarif=" + file}, args...)...)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no SARIF log: %v\n%v", err, r)
	}
	return r, parseSARIF(t, data)
}

func parseSARIF(t *testing.T, data []byte) *sarifLog {
	t.Helper()
	log := new(sarifLog)
	if err := json.Unmarshal(data, log); err != nil {
		t.Fatalf("the SARIF log is not JSON of the expected shape: %v\n%s", err, data)
	}
	if log.Version != "2.1.0" || log.Schema == "" || len(log.Runs) != 1 || len(log.Runs[0].Invocations) != 1 {
		t.Fatalf("want a SARIF 2.1.0 log with a $schema and one run with one invocation, got version %q, schema %q, %d runs",
			log.Version, log.Schema, len(log.Runs))
	}
	return log
}

// sarifFindings returns the results of log as findings, with the columns
// converted back from UTF-16 to bytes using the files under dir, and
// checks that each result names its rule consistently, is a warning and
// lies under %SRCROOT%.
func sarifFindings(t *testing.T, dir string, log *sarifLog) []finding {
	t.Helper()
	run := log.Runs[0]
	var found []finding
	for _, res := range run.Results {
		rules := run.Tool.Driver.Rules
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result of %s has ruleIndex %d, which is not the index of its rule", res.RuleID, res.RuleIndex)
		}
		if res.Level != "warning" || res.Message.Text == "" || len(res.Locations) != 1 {
			t.Errorf("result of %s: want level warning, a message and one location, got %q, %q, %d locations",
				res.RuleID, res.Level, res.Message.Text, len(res.Locations))
			continue
		}
		file, reg := sarifFile(t, res.Locations[0])
		a := res.Locations[0].PhysicalLocation.ArtifactLocation
		if a.Index == nil || *a.Index < 0 || *a.Index >= len(run.Artifacts) || run.Artifacts[*a.Index].Location.URI != a.URI {
			t.Errorf("location %s of a result of %s does not point into the run's artifacts by index", a.URI, res.RuleID)
		}
		found = append(found, finding{
			analyzer: res.RuleID,
			file:     file,
			line:     reg.StartLine,
			col:      byteColumn(t, filepath.Join(dir, file), reg.StartLine, reg.StartColumn),
			message:  res.Message.Text,
		})
	}
	sortFindings(found)
	return found
}

// sarifFile returns the file of loc, relative to %SRCROOT%, and its region.
func sarifFile(t *testing.T, loc sarifLocation) (string, sarifRegion) {
	t.Helper()
	a := loc.PhysicalLocation.ArtifactLocation
	if a.URIBaseID != "%SRCROOT%" {
		t.Errorf("location %s has uriBaseId %q, want %%SRCROOT%%", a.URI, a.URIBaseID)
	}
	u, err := url.Parse(a.URI)
	if err != nil || u.IsAbs() || strings.HasPrefix(u.Path, "/") {
		t.Errorf("location URI %q is not a relative reference", a.URI)
		return a.URI, loc.PhysicalLocation.Region
	}
	return u.Path, loc.PhysicalLocation.Region
}

// byteColumn converts the 1-based UTF-16 column col of line in file into a
// 1-based byte column.
func byteColumn(t *testing.T, file string, line, col int) int {
	t.Helper()
	text := fileLine(t, file, line)
	units := 0
	for i, r := range text {
		if units >= col-1 {
			return i + 1
		}
		units += len(utf16.Encode([]rune{r}))
	}
	return len(text) + 1 + (col - 1 - units)
}

// utf16Column converts the 1-based byte column col of line in file into a
// 1-based UTF-16 column.
func utf16Column(t *testing.T, file string, line, col int) int {
	t.Helper()
	return len(utf16.Encode([]rune(fileLine(t, file, line)[:col-1]))) + 1
}

func fileLine(t *testing.T, file string, line int) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if line < 1 || line > len(lines) {
		t.Fatalf("%s has no line %d", file, line)
	}
	return lines[line-1]
}

// TestSARIF runs the command with -sarif on the whole multipkg module and
// checks the log: the driver and its rules, the results against the want
// comments and against -json, one result for a finding in a file that
// both a package and its test variant have, the regions and fixes of
// specific findings, and the errors of the package that does not
// type-check as notifications. Applying all the fixes of the log must give
// the same files as -fix.
func TestSARIF(t *testing.T) {
	t.Parallel()
	dir := sharedModule(t, "multipkg")
	r, log := runSARIFLog(t, dir, "./...")
	if r.code != 1 {
		t.Errorf("exit status %d on a module with a package that does not type-check, want 1\n%v", r.code, r)
	}
	if r.stdout != "" {
		t.Errorf("output on stdout with -sarif=FILE:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "legacy.go:13:9: undefined: ctxvar.EnableInherit") {
		t.Errorf("the package errors are not on stderr\n%v", r)
	}
	run := log.Runs[0]

	driver := run.Tool.Driver
	if driver.Name != "ctxvarlint" || driver.Version == "" || driver.Version == "(devel)" ||
		driver.InformationURI != "https://pkg.go.dev/github.com/ctxvar/ctxvar/cmd/ctxvarlint" {
		t.Errorf("driver: name %q, version %q, informationUri %q", driver.Name, driver.Version, driver.InformationURI)
	}
	checkRules(t, driver.Rules, analyzers.All)

	if run.ColumnKind != "utf16CodeUnits" {
		t.Errorf("columnKind = %q, want utf16CodeUnits", run.ColumnKind)
	}
	if got, want := run.OriginalURIBaseIDs["%SRCROOT%"].URI, "file://"+filepath.ToSlash(dir)+"/"; got != want {
		t.Errorf("originalUriBaseIds[%%SRCROOT%%] = %q, want %q", got, want)
	}

	found := sarifFindings(t, dir, log)
	checkWants(t, found, wants(t, dir))
	js := run2JSON(t, dir, "./...")
	if !slices.EqualFunc(found, js, func(a, b finding) bool { return a.String() == b.String() }) {
		t.Errorf("the SARIF results differ from the -json findings:\nsarif:\n%v\njson:\n%v", found, js)
	}

	// lib.RequestID.Set(id) in Handle: the token is lost; the fix defers
	// the Reset.
	appGo := filepath.Join(dir, "app", "app.go")
	line := lineOf(t, appGo, "\tlib.RequestID.Set(id)")
	res := findResult(t, log, "losttoken", "app/app.go", line)
	setCall := sarifRegion{line, 2, line, 2 + len("lib.RequestID.Set(id)")}
	if reg := res.Locations[0].PhysicalLocation.Region; reg != setCall {
		t.Errorf("losttoken region %v, want %v", reg, setCall)
	}
	if len(res.Fixes) != 1 || len(res.Fixes[0].ArtifactChanges) != 1 || res.Fixes[0].Description.Text == "" {
		t.Fatalf("losttoken: want one fix, with a description, of one file, got %+v", res.Fixes)
	}
	change := res.Fixes[0].ArtifactChanges[0]
	var edits []string
	for _, rep := range change.Replacements {
		edits = append(edits, fmt.Sprintf("%v %q", rep.DeletedRegion, rep.InsertedContent.Text))
	}
	wantEdits := []string{
		fmt.Sprintf("%d:2-%d:2 %q", line, line, "defer lib.RequestID.Reset("),
		fmt.Sprintf("%d:%d-%d:%d %q", line, setCall.EndColumn, line, setCall.EndColumn, ")"),
	}
	if loc := change.ArtifactLocation; loc.URI != "app/app.go" || loc.URIBaseID != "%SRCROOT%" || !slices.Equal(edits, wantEdits) {
		t.Errorf("losttoken fix: %v %q, want app/app.go %q", change.ArtifactLocation, edits, wantEdits)
	}

	// The findings in app/app.go are also found in the test variant of
	// package app: each is reported once.
	seen := make(map[string]bool)
	for _, f := range found {
		if seen[f.String()] {
			t.Errorf("finding reported twice: %v", f)
		}
		seen[f.String()] = true
	}

	// The removedapi fix deletes the call of ctxvar.EnableInherit: a
	// replacement without inserted content.
	legacyGo := filepath.Join(dir, "legacy", "legacy.go")
	line = lineOf(t, legacyGo, "ctxvar.EnableInherit()")
	res = findResult(t, log, "removedapi", "legacy/legacy.go", line)
	deleted := false
	for _, c := range res.Fixes[0].ArtifactChanges {
		for _, rep := range c.Replacements {
			want := sarifRegion{line, 2, line, 2 + len("ctxvar.EnableInherit()")}
			deleted = deleted || rep.DeletedRegion == want && rep.InsertedContent == nil
		}
	}
	if !deleted {
		t.Errorf("removedapi's fix does not delete the call at %d:2: %+v", line, res.Fixes)
	}

	inv := run.Invocations[0]
	if inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful || inv.ExitCode == nil || *inv.ExitCode != 1 {
		t.Errorf("invocation: want executionSuccessful false and exitCode 1, got %v and %v", inv.ExecutionSuccessful, inv.ExitCode)
	}
	checkNotification(t, inv.Notifications, "undefined: ctxvar.EnableInherit", "legacy/legacy.go", 13, 9)
	skipped := 0
	for _, n := range inv.Notifications {
		if n.Level != "error" {
			t.Errorf("notification %q has level %q, want error", n.Message.Text, n.Level)
		}
		// unsetget and tokenmisuse do not run where barego, their
		// prerequisite, did not.
		if strings.HasSuffix(n.Message.Text, ": example.com/multipkg/legacy: analysis skipped due to errors in package") ||
			strings.HasSuffix(n.Message.Text, ": example.com/multipkg/legacy: failed prerequisites: barego@example.com/multipkg/legacy") {
			skipped++
			name, _, _ := strings.Cut(n.Message.Text, ":")
			if n.AssociatedRule == nil || n.AssociatedRule.ID != name || driver.Rules[n.AssociatedRule.Index].ID != name {
				t.Errorf("notification %q does not name its rule: %+v", n.Message.Text, n.AssociatedRule)
			}
		}
	}
	if n := len(skippingAnalyzers()); skipped != n {
		t.Errorf("want a notification for each of the %d analyzers that skip legacy, got %d:\n%+v", n, skipped, inv.Notifications)
	}

	applySARIFFixes(t, "multipkg", log)
}

// run2JSON returns the findings of -json on pkgs.
func run2JSON(t *testing.T, dir string, pkgs ...string) []finding {
	t.Helper()
	r := run(t, dir, ctxvarlint(t), append([]string{"-json"}, pkgs...)...)
	found, _, _ := parseJSON(t, dir, r.stdout)
	return found
}

// checkRules checks that there is a rule for each of the analyzers, in
// their order, with the descriptions and help drawn from its Doc.
func checkRules(t *testing.T, rules []sarifRule, as []*analysis.Analyzer) {
	t.Helper()
	var ids []string
	for _, r := range rules {
		ids = append(ids, r.ID)
	}
	var want []string
	for _, a := range as {
		want = append(want, a.Name)
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("rules %v, want %v", ids, want)
	}
	for i, a := range as {
		r := rules[i]
		title, _, _ := strings.Cut(a.Doc, "\n")
		if r.ShortDescription.Text != title || r.FullDescription.Text != a.Doc || r.Help.Text != a.Doc || r.HelpURI != a.URL {
			t.Errorf("rule %s: shortDescription %q, helpUri %q; want the title of its Doc, %q, the Doc as fullDescription and help, and its URL",
				r.ID, r.ShortDescription.Text, r.HelpURI, title)
		}
		// The Markdown help has the paragraphs of the Doc, reflowed.
		para := strings.Split(a.Doc, "\n\n")[1]
		if !strings.Contains(strings.ReplaceAll(r.Help.Markdown, `\`, ""), strings.Join(strings.Fields(para), " ")) {
			t.Errorf("rule %s: help.markdown lacks the paragraph\n%s\n%s", r.ID, para, r.Help.Markdown)
		}
	}
}

// findResult returns the only result of rule at line of file.
func findResult(t *testing.T, log *sarifLog, rule, file string, line int) sarifResult {
	t.Helper()
	var found []sarifResult
	for _, res := range log.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID == rule && loc.ArtifactLocation.URI == file && loc.Region.StartLine == line {
			found = append(found, res)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one %s result at %s:%d, got %d", rule, file, line, len(found))
	}
	return found[0]
}

// checkNotification checks that there is a notification with message msg
// and a location at file:line:col.
func checkNotification(t *testing.T, ns []sarifNotification, msg, file string, line, col int) {
	t.Helper()
	for _, n := range ns {
		if n.Message.Text == msg && len(n.Locations) == 1 {
			loc := n.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI == file && loc.Region.StartLine == line && loc.Region.StartColumn == col {
				return
			}
		}
	}
	t.Errorf("no notification %q at %s:%d:%d among\n%+v", msg, file, line, col, ns)
}

// applySARIFFixes applies the fixes of all the results of log to a new
// copy of the testdata module name and checks that the files are then
// those that -fix gives, the .golden files, once formatted.
func applySARIFFixes(t *testing.T, name string, log *sarifLog) {
	t.Helper()
	dir := copyModule(t, name)
	type edit struct {
		start, end int // byte offsets
		text       string
	}
	edits := make(map[string][]edit)
	for _, res := range log.Runs[0].Results {
		for _, fix := range res.Fixes {
			for _, c := range fix.ArtifactChanges {
				file := filepath.Join(dir, filepath.FromSlash(c.ArtifactLocation.URI))
				for _, rep := range c.Replacements {
					reg := rep.DeletedRegion
					e := edit{
						start: byteOffset(t, file, reg.StartLine, reg.StartColumn),
						end:   byteOffset(t, file, reg.EndLine, reg.EndColumn),
					}
					if rep.InsertedContent != nil {
						e.text = rep.InsertedContent.Text
					}
					edits[file] = append(edits[file], e)
				}
			}
		}
	}
	for file, es := range edits {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortStableFunc(es, func(a, b edit) int { return cmp.Or(cmp.Compare(b.start, a.start), cmp.Compare(b.end, a.end)) })
		es = slices.Compact(es)
		for i, e := range es {
			if e.start > e.end || i > 0 && e.end > es[i-1].start {
				t.Fatalf("%s: a fix's replacement is inverted or overlaps another: %+v", file, es)
			}
			data = append(data[:e.start:e.start], append([]byte(e.text), data[e.end:]...)...)
		}
		// -fix formats the files it changes, as gopls does after applying
		// a fix.
		formatted, err := format.Source(data)
		if err != nil {
			t.Fatalf("%s does not parse after the fixes: %v\n%s", file, err, data)
		}
		if err := os.WriteFile(file, formatted, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	checkFixed(t, dir, name, nil)
}

// byteOffset returns the offset in file of the 1-based line and UTF-16
// column.
func byteOffset(t *testing.T, file string, line, col int) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	off := 0
	for _, l := range lines[:line-1] {
		off += len(l)
	}
	return off + byteColumn(t, file, line, col) - 1
}

// TestSARIFExitStatus checks the status and the invocation of runs without
// package errors, with the log on standard output: 3 with findings, 0
// without; and that -NAME, -NAME=false, -NAME.FLAG and -test=false work as
// without -sarif.
func TestSARIFExitStatus(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")
	ws := slices.DeleteFunc(wants(t, dir), func(w want) bool { return w.file == "legacy/legacy.go" })

	r := run(t, dir, bin, append([]string{"-sarif=-"}, typeCheckedPkgs...)...)
	log := parseSARIF(t, []byte(r.stdout))
	if r.code != 3 {
		t.Errorf("exit status %d with findings, want 3\n%v", r.code, r)
	}
	inv := log.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful == nil || !*inv.ExecutionSuccessful || len(inv.Notifications) != 0 || inv.ExitCode == nil || *inv.ExitCode != 3 {
		t.Errorf("invocation of a run without errors: %+v", inv)
	}
	checkWants(t, sarifFindings(t, dir, log), ws)

	r = run(t, dir, bin, "--sarif", "-", "./clean")
	log = parseSARIF(t, []byte(r.stdout))
	if r.code != 0 || len(log.Runs[0].Results) != 0 || r.stderr != "" {
		t.Errorf("on the clean package: want exit status 0, no results and nothing on stderr\n%v", r)
	}

	r, log = runSARIFLog(t, dir, append([]string{"-losttoken=false", "-test=false"}, typeCheckedPkgs...)...)
	checkRules(t, log.Runs[0].Tool.Driver.Rules, slices.DeleteFunc(slices.Clone(analyzers.All), func(a *analysis.Analyzer) bool {
		return a.Name == "losttoken"
	}))
	checkWants(t, sarifFindings(t, dir, log), slices.DeleteFunc(slices.Clone(ws), func(w want) bool {
		return w.analyzer == "losttoken" || strings.HasSuffix(w.file, "_test.go")
	}))

	line := lineOf(t, filepath.Join(dir, "app", "app.go"), "lib.Enqueue(")
	_, log = runSARIFLog(t, dir, "-barego", "-barego.launchers", "example.com/multipkg/lib.Enqueue", "./app")
	checkWants(t, sarifFindings(t, dir, log), append(slices.DeleteFunc(slices.Clone(ws), func(w want) bool {
		return w.analyzer != "barego" || !strings.HasPrefix(w.file, "app/")
	}), want{analyzer: "barego", file: "app/app.go", line: line, re: regexp.MustCompile(`^lib\.Enqueue runs its function on another goroutine`)}))
}

// TestSARIFBroken runs the command with -sarif on the module whose packages
// do not parse or type-check: the errors are notifications with their
// locations, removedapi's findings are results, and the status is 1.
func TestSARIFBroken(t *testing.T) {
	t.Parallel()
	dir := copyModule(t, "broken")
	r, log := runSARIFLog(t, dir, "./...")
	if r.code != 1 {
		t.Errorf("exit status %d, want 1\n%v", r.code, r)
	}
	checkWants(t, sarifFindings(t, dir, log), wants(t, dir))
	inv := log.Runs[0].Invocations[0]
	if inv.ExecutionSuccessful == nil || *inv.ExecutionSuccessful {
		t.Errorf("executionSuccessful is not false")
	}
	ns := inv.Notifications
	checkNotification(t, ns, "expression in go must be function call", "syntax/syntax.go", 12, 40)
	checkNotification(t, ns, "undefined: ctxvar.EnableInherit", "removed/removed.go", 13, 9)
	checkNotification(t, ns, "undefined: requests", "removed/removed.go", 27, 27)
	for _, s := range []string{"syntax/syntax.go:12:40: expression in go must be function call", "removed/removed.go:27:27: undefined: requests"} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q\n%v", s, r)
		}
	}

	r, log = runSARIFLog(t, dir, "./nosuchpackage")
	if r.code != 1 || len(log.Runs[0].Invocations[0].Notifications) == 0 || len(log.Runs[0].Results) != 0 {
		t.Errorf("a pattern that matches nothing: want status 1 and a notification\n%v", r)
	}
}

// TestSARIFColumns checks the UTF-16 columns of a line with non-ASCII text
// before a finding, and related locations, in a module of its own.
func TestSARIFColumns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	gomod := fmt.Sprintf("module example.com/cols\n\ngo 1.26.0\n\nrequire github.com/ctxvar/ctxvar v0.0.0\n\nreplace github.com/ctxvar/ctxvar => %s\n", filepath.ToSlash(repoRoot()))
	src := `package cols

import "github.com/ctxvar/ctxvar/ctxvar"

var greeting = ctxvar.New("greeting", ctxvar.Default("hi"))

// Wave sets a greeting after a comment in other scripts.
func Wave() {
	/* héllo, 世界 😀 */ greeting.Set("👋")
}

// Maybe forgets to restore the greeting when ok.
func Maybe(ok bool) {
	tok := greeting.Set("yo")
	if ok {
		return
	}
	greeting.Reset(tok)
}
`
	for name, data := range map[string]string{"go.mod": gomod, "cols.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, log := runSARIFLog(t, dir, ".")
	js := run2JSON(t, dir, ".")
	file := filepath.Join(dir, "cols.go")

	line := lineOf(t, file, "😀")
	var byteCol int
	for _, f := range js {
		if f.line == line {
			byteCol = f.col
		}
	}
	res := findResult(t, log, "losttoken", "cols.go", line)
	reg := res.Locations[0].PhysicalLocation.Region
	wantCol := utf16Column(t, file, line, byteCol)
	wantEnd := wantCol + len(utf16.Encode([]rune(`greeting.Set("👋")`)))
	if byteCol == 0 || wantCol == byteCol || reg != (sarifRegion{line, wantCol, line, wantEnd}) {
		t.Errorf("region %v; want %d:%d-%d:%d, the UTF-16 columns of byte column %d", reg, line, wantCol, line, wantEnd, byteCol)
	}

	line = lineOf(t, file, `tok := greeting.Set("yo")`)
	ret := lineOf(t, file, "\t\treturn")
	res = findResult(t, log, "losttoken", "cols.go", line)
	if len(res.RelatedLocations) != 1 {
		t.Fatalf("want one related location, got %+v", res.RelatedLocations)
	}
	rel := res.RelatedLocations[0]
	if f, reg := sarifFile(t, rel); f != "cols.go" || reg != (sarifRegion{ret, 3, ret, 3 + len("return")}) || !strings.Contains(rel.Message.Text, "return statement") {
		t.Errorf("related location %s %v %q, want cols.go %d:3-%d:9 about the return statement", f, reg, rel.Message.Text, ret, ret)
	}
}
