package analyzers_test

import (
	"cmp"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
)

var (
	recallOut    = flag.String("recall.out", "", "write TestRecall's tables, and the mistakes the analyzers missed, to this file")
	recallMisses = flag.Bool("recall.misses", false, "log each mistake of the recall corpus that the analyzers missed")
)

// recallDir is the corpus: a module of packages translated from other
// analyzers' test data and from real code, whose comments mark each mistake
// an analyzer should report. See its README.md for the marker syntax.
const recallDir = "testdata/recall"

// TestRecall runs every analyzer over the recall corpus and measures, per
// analyzer, source package and shape, how many of the marked mistakes it
// reports. It fails on any false positive (a report on a line that does not
// mark a mistake of that analyzer) and on a corpus that does not build or
// whose markers are malformed, but never on a low recall: recall is what the
// analyzers' owners improve, and the table it logs (and writes with
// -recall.out) is how they see it.
//
//	go test ./analyzers -run TestRecall -v -recall.out=/tmp/recall.txt
func TestRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and analyzes a module of a few thousand lines")
	}
	dir := testmodule.Copy(t, recallDir, nil)
	testmodule.Go(t, dir, "vet", "./...")
	if t.Failed() {
		t.FailNow()
	}

	corpus := parseCorpus(t, dir)
	if t.Failed() {
		t.FailNow()
	}
	diags := analyzeCorpus(t, dir)
	res := corpus.match(diags)

	for _, fp := range res.falsePositives {
		t.Errorf("false positive: %s:%d: %s: %s%s", fp.file, fp.line, fp.analyzer, fp.message, fp.note)
	}
	if n := len(res.unmeasured); n > 0 {
		t.Logf("%d reports of analyzers that no marker names, not measured; -recall.misses lists them", n)
	}
	table := res.format()
	t.Log("\n" + table)
	if *recallMisses {
		t.Log("\n" + res.formatMisses())
	}
	if *recallOut != "" {
		if err := os.WriteFile(*recallOut, []byte(table+"\n"+res.formatMisses()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// A mark is one analyzer named in a marker comment.
type mark struct {
	file     string // slash-separated, relative to the module root
	line     int
	analyzer string
	label    string // groups the lines on which one mistake may be reported
	shape    string
	ok       bool // a negative: the analyzer must not report here
}

// A mistake is what an analyzer should report once: on one line, or on any
// of the lines of one label.
type mistake struct {
	source   string // the package directory: which source it was translated from
	analyzer string
	shape    string
	sites    []mark
	found    bool
}

type corpus struct {
	mistakes  []*mistake
	negatives []mark
	// at maps file:line:analyzer to the mistake that may be reported there.
	at map[string]*mistake
	// okAt holds file:line:analyzer of the negatives.
	okAt map[string]bool
	// measured holds the analyzers that some marker names. The reports of
	// the others, analyzers added to analyzers.All after the corpus was
	// written, are listed but neither counted nor failed on.
	measured map[string]bool
}

func siteKey(file string, line int, analyzer string) string {
	return fmt.Sprintf("%s:%d:%s", file, line, analyzer)
}

var (
	shapeRE  = regexp.MustCompile(`\[([a-z0-9][a-z0-9-]*)\]`)
	clauseRE = regexp.MustCompile(`^(mistake|ok):\s*(.*)$`)
	itemRE   = regexp.MustCompile(`^([a-z]+)(?:@([A-Za-z0-9_]+))?$`)
)

// parseCorpus reads the markers of every Go file under dir. A marker is a
// line comment of the form
//
//	// mistake: barego, unsetget@label [shape] -- why
//	// ok: losttoken [shape] -- why
//	// mistake: barego; ok: unsetget [shape]
//
// that marks its own line.
func parseCorpus(t *testing.T, dir string) *corpus {
	names := make(map[string]bool)
	for _, a := range analyzers.All {
		names[a.Name] = true
	}
	c := &corpus{at: make(map[string]*mistake), okAt: make(map[string]bool), measured: make(map[string]bool)}
	labeled := make(map[string]*mistake)
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		source, _, _ := strings.Cut(rel, "/")
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, cg := range f.Comments {
			for _, cm := range cg.List {
				marks, err := parseMarker(cm, fset, rel, names)
				if err != nil {
					t.Errorf("%s:%d: %v", rel, fset.Position(cm.Pos()).Line, err)
					continue
				}
				for _, m := range marks {
					c.measured[m.analyzer] = true
					key := siteKey(m.file, m.line, m.analyzer)
					if m.ok {
						c.negatives = append(c.negatives, m)
						c.okAt[key] = true
						continue
					}
					if c.at[key] != nil {
						t.Errorf("%s:%d: %s marked twice", m.file, m.line, m.analyzer)
						continue
					}
					var mk *mistake
					if m.label != "" {
						lk := source + "@" + m.analyzer + "@" + m.label
						mk = labeled[lk]
						if mk == nil {
							mk = &mistake{source: source, analyzer: m.analyzer}
							labeled[lk] = mk
							c.mistakes = append(c.mistakes, mk)
						}
					} else {
						mk = &mistake{source: source, analyzer: m.analyzer}
						c.mistakes = append(c.mistakes, mk)
					}
					mk.sites = append(mk.sites, m)
					if mk.shape == "" {
						mk.shape = m.shape
					}
					c.at[key] = mk
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for lk, mk := range labeled {
		if len(mk.sites) < 2 {
			t.Errorf("%s:%d: label %s marks a single line; a label groups the lines on which one mistake may be reported", mk.sites[0].file, mk.sites[0].line, lk)
		}
	}
	for key := range c.okAt {
		if c.at[key] != nil {
			t.Errorf("%s: marked both as a mistake and as fine", key)
		}
	}
	for _, mk := range c.mistakes {
		if mk.shape == "" {
			mk.shape = "other"
		}
	}
	return c
}

// parseMarker returns the marks of one comment, or none if it is not a
// marker.
func parseMarker(cm *ast.Comment, fset *token.FileSet, file string, names map[string]bool) ([]mark, error) {
	text, ok := strings.CutPrefix(cm.Text, "//")
	if !ok {
		return nil, nil
	}
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "mistake:") && !strings.HasPrefix(text, "ok:") {
		return nil, nil
	}
	text, _, _ = strings.Cut(text, " -- ")
	shape := ""
	if ms := shapeRE.FindAllStringSubmatch(text, -1); len(ms) > 1 {
		return nil, fmt.Errorf("marker %q has more than one [shape]", cm.Text)
	} else if len(ms) == 1 {
		shape = ms[0][1]
		text = shapeRE.ReplaceAllString(text, "")
	}
	line := fset.Position(cm.Pos()).Line
	var marks []mark
	for clause := range strings.SplitSeq(text, ";") {
		m := clauseRE.FindStringSubmatch(strings.TrimSpace(clause))
		if m == nil {
			return nil, fmt.Errorf("malformed marker clause %q", clause)
		}
		items := strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
		if len(items) == 0 {
			return nil, fmt.Errorf("marker clause %q names no analyzer", clause)
		}
		for _, item := range items {
			im := itemRE.FindStringSubmatch(item)
			if im == nil || !names[im[1]] {
				return nil, fmt.Errorf("marker %q names %q, which is not an analyzer of analyzers.All", cm.Text, item)
			}
			if m[1] == "ok" && im[2] != "" {
				return nil, fmt.Errorf("marker %q labels a negative", cm.Text)
			}
			marks = append(marks, mark{file: file, line: line, analyzer: im[1], label: im[2], shape: shape, ok: m[1] == "ok"})
		}
	}
	return marks, nil
}

// A diag is one report of an analyzer, deduplicated across the package
// variants that hold its file.
type diag struct {
	file     string
	line     int
	analyzer string
	message  string
	note     string
}

// analyzeCorpus loads every package of the module in dir, tests included,
// runs all the analyzers over them, and returns their reports in the
// module's files.
func analyzeCorpus(t *testing.T, dir string) []diag {
	cfg := &packages.Config{
		Mode:  packages.LoadAllSyntax | packages.NeedModule,
		Dir:   dir,
		Tests: true,
		Env:   append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.ID, e)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	graph, err := checker.Analyze(analyzers.All, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool)
	var diags []diag
	for _, act := range graph.Roots {
		if act.Err != nil {
			t.Errorf("%s on %s: %v", act.Analyzer.Name, act.Package.ID, act.Err)
			continue
		}
		for _, d := range act.Diagnostics {
			posn := act.Package.Fset.Position(d.Pos)
			rel, err := filepath.Rel(dir, posn.Filename)
			if err != nil || strings.HasPrefix(rel, "..") {
				continue // the generated main of a test binary
			}
			dg := diag{file: filepath.ToSlash(rel), line: posn.Line, analyzer: act.Analyzer.Name, message: d.Message}
			key := fmt.Sprintf("%s:%d:%d:%s:%s", dg.file, posn.Line, posn.Column, dg.analyzer, dg.message)
			if !seen[key] {
				seen[key] = true
				diags = append(diags, dg)
			}
		}
	}
	return diags
}

type recallResult struct {
	c              *corpus
	falsePositives []diag
	unmeasured     []diag // reports of analyzers that no marker names
}

func (c *corpus) match(diags []diag) *recallResult {
	res := &recallResult{c: c}
	for _, d := range diags {
		if !c.measured[d.analyzer] {
			res.unmeasured = append(res.unmeasured, d)
			continue
		}
		key := siteKey(d.file, d.line, d.analyzer)
		if mk := c.at[key]; mk != nil {
			mk.found = true
			continue
		}
		if c.okAt[key] {
			d.note = " (on a line marked ok)"
		}
		res.falsePositives = append(res.falsePositives, d)
	}
	for _, ds := range [][]diag{res.falsePositives, res.unmeasured} {
		slices.SortFunc(ds, func(a, b diag) int {
			return cmp.Or(cmp.Compare(a.file, b.file), cmp.Compare(a.line, b.line), cmp.Compare(a.analyzer, b.analyzer))
		})
	}
	return res
}

// tally counts the mistakes, findings, negatives and false positives of one
// row of a table.
type tally struct {
	mistakes, found, negatives, falsePositives int
}

func (n tally) recall() string {
	if n.mistakes == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n.found)/float64(n.mistakes))
}

func (res *recallResult) format() string {
	var b strings.Builder
	byAnalyzer := make(map[string]*tally)
	bySource := make(map[[2]string]*tally)
	byShape := make(map[[2]string]*tally)
	get := func(m map[[2]string]*tally, k [2]string) *tally {
		if m[k] == nil {
			m[k] = new(tally)
		}
		return m[k]
	}
	var names []string
	for _, a := range analyzers.All {
		names = append(names, a.Name)
		byAnalyzer[a.Name] = new(tally)
	}
	total := new(tally)
	for _, mk := range res.c.mistakes {
		for _, n := range []*tally{byAnalyzer[mk.analyzer], get(bySource, [2]string{mk.source, mk.analyzer}), get(byShape, [2]string{mk.shape, mk.analyzer}), total} {
			n.mistakes++
			if mk.found {
				n.found++
			}
		}
	}
	for _, m := range res.c.negatives {
		source, _, _ := strings.Cut(m.file, "/")
		shape := cmp.Or(m.shape, "other")
		for _, n := range []*tally{byAnalyzer[m.analyzer], get(bySource, [2]string{source, m.analyzer}), get(byShape, [2]string{shape, m.analyzer}), total} {
			n.negatives++
		}
	}
	for _, d := range res.falsePositives {
		source, _, _ := strings.Cut(d.file, "/")
		for _, n := range []*tally{byAnalyzer[d.analyzer], get(bySource, [2]string{source, d.analyzer}), total} {
			n.falsePositives++
		}
	}

	row := func(first, second string, n *tally) {
		fmt.Fprintf(&b, "%-22s %-10s %8d %6d %7s %9d %6d\n", first, second, n.mistakes, n.found, n.recall(), n.negatives, n.falsePositives)
	}
	header := func(first string) {
		fmt.Fprintf(&b, "%-22s %-10s %8s %6s %7s %9s %6s\n", first, "analyzer", "mistakes", "found", "recall", "negatives", "FPs")
	}

	fmt.Fprintf(&b, "Recall corpus %s: %d marked mistakes, %d marked negatives, %d false positives\n\n", recallDir, total.mistakes, total.negatives, total.falsePositives)
	header("")
	for _, name := range names {
		if !res.c.measured[name] {
			fmt.Fprintf(&b, "%-22s %-10s not measured: no marker names it\n", "", name)
			continue
		}
		row("", name, byAnalyzer[name])
	}
	row("", "all", total)

	section := func(title string, m map[[2]string]*tally) {
		keys := slices.Collect(maps.Keys(m))
		slices.SortFunc(keys, func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(slices.Index(names, a[1]), slices.Index(names, b[1])))
		})
		fmt.Fprintf(&b, "\n")
		header(title)
		for _, k := range keys {
			row(k[0], k[1], m[k])
		}
	}
	section("source", bySource)
	section("shape", byShape)
	return b.String()
}

func (res *recallResult) formatMisses() string {
	var b strings.Builder
	var missed []*mistake
	for _, mk := range res.c.mistakes {
		if !mk.found {
			missed = append(missed, mk)
		}
	}
	slices.SortFunc(missed, func(a, b *mistake) int {
		return cmp.Or(cmp.Compare(a.analyzer, b.analyzer), cmp.Compare(a.sites[0].file, b.sites[0].file), cmp.Compare(a.sites[0].line, b.sites[0].line))
	})
	fmt.Fprintf(&b, "Missed mistakes (%d):\n", len(missed))
	for _, mk := range missed {
		var sites []string
		for _, s := range mk.sites {
			sites = append(sites, fmt.Sprintf("%s:%d", s.file, s.line))
		}
		fmt.Fprintf(&b, "  %-10s %-18s %s\n", mk.analyzer, mk.shape, strings.Join(sites, " or "))
	}
	if len(res.falsePositives) > 0 {
		fmt.Fprintf(&b, "\nFalse positives (%d):\n", len(res.falsePositives))
		for _, d := range res.falsePositives {
			fmt.Fprintf(&b, "  %s:%d: %s: %s%s\n", d.file, d.line, d.analyzer, d.message, d.note)
		}
	}
	if len(res.unmeasured) > 0 {
		fmt.Fprintf(&b, "\nReports of analyzers that no marker names, not measured (%d):\n", len(res.unmeasured))
		for _, d := range res.unmeasured {
			fmt.Fprintf(&b, "  %s:%d: %s: %s\n", d.file, d.line, d.analyzer, d.message)
		}
	}
	return b.String()
}
