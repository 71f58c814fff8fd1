package barego_test

import (
	"cmp"
	"flag"
	"fmt"
	"go/format"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./a", "./b", "./c")
}

// setFlag sets one of Analyzer's flags for the rest of the test.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	flags := &barego.Analyzer.Flags
	old := flags.Lookup(name).Value.String()
	if err := flags.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := flags.Set(name, old); err != nil {
			t.Error(err)
		}
	})
}

// TestLaunchersFlag checks launchers added with -launchers, in both forms
// of method names.
func TestLaunchersFlag(t *testing.T) {
	for _, value := range []string{
		"example.com/barego/b.Later, (*example.com/barego/b.Queue).Push",
		"example.com/barego/b.Queue.Push,example.com/barego/b.Later",
	} {
		t.Run(value, func(t *testing.T) {
			setFlag(t, "launchers", value)
			analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./flagged")
		})
	}
}

func TestSpawnersFlag(t *testing.T) {
	setFlag(t, "spawners", "example.com/barego/b.Async,(*example.com/barego/b.Queue).Push")
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./spawners")
}

func TestBadFlags(t *testing.T) {
	flags := &barego.Analyzer.Flags
	if err := flags.Set("launchers", "time"); err == nil || !strings.Contains(err.Error(), `malformed launcher "time"`) {
		t.Errorf("-launchers=time: err = %v; want one naming \"time\"", err)
	}
	if err := flags.Set("spawners", "example.com/p.F,(*T).M"); err == nil || !strings.Contains(err.Error(), `malformed spawner "(*T).M"`) {
		t.Errorf("-spawners=example.com/p.F,(*T).M: err = %v; want one naming \"(*T).M\"", err)
	}
	setFlag(t, "launchers", "example.com/p.F")
	if err := flags.Set("spawners", "example.com/p.F"); err == nil || !strings.Contains(err.Error(), "both as a launcher") {
		t.Errorf("-spawners naming a launcher: err = %v", err)
	}
	for _, name := range []string{"launchers", "spawners"} {
		if got := flags.Lookup(name).Value.String(); strings.Contains(got, "(*T).M") || (name == "spawners" && got != "") {
			t.Errorf("failed Sets left -%s=%q", name, got)
		}
	}
}

// TestNew checks analyzers configured by New, which leave Analyzer as it
// was.
func TestNew(t *testing.T) {
	launchers, err := barego.New(barego.Config{Launchers: []string{"example.com/barego/b.Later", "(*example.com/barego/b.Queue).Push"}})
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), launchers, "./flagged")

	spawners, err := barego.New(barego.Config{Spawners: []string{"example.com/barego/b.Async", "example.com/barego/b.Queue.Push"}})
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), spawners, "./spawners")

	for _, name := range []string{"launchers", "spawners"} {
		if got := barego.Analyzer.Flags.Lookup(name).Value.String(); got != "" {
			t.Errorf("New changed Analyzer's -%s to %q", name, got)
		}
	}
	// Analyzer, unconfigured, does not know b.Later.
	var recorder recordT
	analysistest.Run(&recorder, analysistest.TestData(), barego.Analyzer, "./flagged")
	if !recorder.failed {
		t.Error("Analyzer reported the calls of b.Later that only a configured analyzer knows")
	}

	for _, c := range []struct {
		config barego.Config
		want   string
	}{
		{barego.Config{Launchers: []string{"example.com/ok.F", "(*example.com/p.T.M"}}, `malformed launcher "(*example.com/p.T.M"`},
		{barego.Config{Spawners: []string{"example.com/p"}}, `malformed spawner "example.com/p"`},
		{barego.Config{Launchers: []string{"example.com/p.F"}, Spawners: []string{" example.com/p.F"}}, `"example.com/p.F" is listed both as a launcher`},
	} {
		if a, err := barego.New(c.config); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v) = %v, %v; want an error containing %q", c.config, a, err, c.want)
		}
	}
}

// TestOneInstancePerRun checks that a driver refuses two barego analyzers,
// which would share their fact types.
func TestOneInstancePerRun(t *testing.T) {
	a, err := barego.New(barego.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := analysis.Validate([]*analysis.Analyzer{a}); err != nil {
		t.Errorf("one analyzer made by New does not validate: %v", err)
	}
	err = analysis.Validate([]*analysis.Analyzer{barego.Analyzer, a})
	if err == nil || !strings.Contains(err.Error(), "registered by two analyzers") {
		t.Errorf("Validate of two barego analyzers: err = %v; want a fact type registered by two analyzers", err)
	}
}

// recordT is an analysistest.Testing that records a failure instead of
// failing the test.
type recordT struct{ failed bool }

func (r *recordT) Errorf(format string, args ...any) { r.failed = true }

var update = flag.Bool("update", false, "rewrite the .golden files of the packages whose suggested fixes TestSuggestedFixes checks")

// fixPackages are the testdata packages whose suggested fixes the .golden
// files hold.
var fixPackages = []string{"./fix", "./fiximport", "./fixalias", "./fixnone", "./fixslog", "./funcvals", "./params", "./paramlib", "./methods", "./loops", "./looplib", "./fixstyle"}

func TestSuggestedFixes(t *testing.T) {
	if *update {
		for file, fixed := range appliedFixes(t, fixPackages) {
			formatted, err := format.Source(fixed)
			if err != nil {
				t.Fatalf("%s: the fixes leave a file that does not parse: %v", file, err)
			}
			if err := os.WriteFile(file+".golden", formatted, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), barego.Analyzer, fixPackages...)
}

// TestFixesFormatted checks that the suggested fixes, applied as they are,
// leave gofmt's layout, but for the alignment of the comments that end
// lines, which depends on the lines around an edit: drivers that do not
// format what they fix, as editors applying a code action, leave tidy
// code.
func TestFixesFormatted(t *testing.T) {
	for file, fixed := range appliedFixes(t, fixPackages) {
		formatted, err := format.Source(fixed)
		if err != nil {
			t.Errorf("%s: the fixes leave a file that does not parse: %v", file, err)
			continue
		}
		if got, want := unaligned(fixed), unaligned(formatted); got != want {
			t.Errorf("%s: the fixes leave a file gofmt changes:\n%s", file, lineDiff(got, want))
		}
	}
}

// unaligned returns src with the white space before each line's trailing
// comment reduced to one space.
func unaligned(src []byte) string {
	return trailingSpace.ReplaceAllString(string(src), " //")
}

var trailingSpace = regexp.MustCompile(`(?m)(\S)[ \t]+//`)

// lineDiff shows the lines that differ between got and want.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out strings.Builder
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			fmt.Fprintf(&out, "line %d:\n\tfixed: %q\n\tgofmt: %q\n", i+1, gl, wl)
		}
	}
	return out.String()
}

// appliedFixes runs barego on the packages and applies the first fix of
// each diagnostic to the files, without formatting them: it returns each
// fixed file's contents by name. An edit that several diagnostics make,
// such as adding an import, counts once.
func appliedFixes(t *testing.T, pkgs []string) map[string][]byte {
	t.Helper()
	type edit struct {
		start, end int
		text       string
	}
	edits := make(map[string][]edit)
	done := make(map[string]bool) // files fixed from one package already: its test variant fixes them again
	for _, r := range analysistest.Run(t, analysistest.TestData(), barego.Analyzer, pkgs...) {
		fset := r.Pass.Fset
		seen := make(map[string]bool)
		for _, d := range r.Diagnostics {
			if len(d.SuggestedFixes) == 0 {
				continue
			}
			for _, e := range d.SuggestedFixes[0].TextEdits {
				tf := fset.File(e.Pos)
				name := tf.Name()
				if done[name] {
					continue
				}
				seen[name] = true
				ed := edit{tf.Offset(e.Pos), tf.Offset(e.End), string(e.NewText)}
				if !slices.Contains(edits[name], ed) {
					edits[name] = append(edits[name], ed)
				}
			}
		}
		for name := range seen {
			done[name] = true
		}
	}
	out := make(map[string][]byte)
	for name, es := range edits {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(es, func(a, b edit) int { return cmp.Or(a.start-b.start, a.end-b.end) })
		var b []byte
		last := 0
		for _, e := range es {
			if e.start < last {
				t.Fatalf("%s: overlapping edits at offset %d", name, e.start)
			}
			b = append(b, src[last:e.start]...)
			b = append(b, e.text...)
			last = e.end
		}
		out[name] = append(b, src[last:]...)
	}
	return out
}

// TestFixedCompiles builds and vets the fixed packages: the testdata module
// is copied with each .golden file in place of its source, and the replace
// directive pointed at this module.
func TestFixedCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	dir := testmodule.Fixed(t, analysistest.TestData())
	testmodule.Go(t, dir, "build", "./...")
	testmodule.Go(t, dir, append([]string{"vet"}, fixPackages...)...)
}

// TestRunContext checks ctxvar.RunContext, whose function runs in the
// snapshot a context.Context carries, and ctxvar.WithCurrent, which carries
// the Context on.
func TestRunContext(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./runcontext")
}

// TestSlog checks that logging through log/slog reads the Vars of the
// ctxvarslog handlers a package builds or sees through its imports' facts.
func TestSlog(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./slogsetup", "./slogmid", "./slogapp", "./sloglib", "./slogself", "./slognone", "./slogaudit", "./slogboth")
}

// TestVetToolSlog checks the handler's Vars under go vet, whose driver gives
// a package the facts of its direct imports only: slogapp sees slogsetup's
// handler through the fact slogmid passes on.
func TestVetToolSlog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a vet tool")
	}
	tool, env := testmodule.VetTool(t, "github.com/ctxvar/ctxvar/analyzers/barego")
	vet := exec.Command("go", "vet", "-vettool="+tool, "./slogapp")
	vet.Dir, vet.Env = "testdata", env
	out, _ := vet.CombinedOutput()
	want := "app.go:20:2: goroutine started with go runs with an empty Context: slog.Info logs without slogsetup.Config.Region, slogsetup.RequestID and slogsetup.User"
	if !strings.Contains(string(out), want) {
		t.Errorf("go vet did not report go slogmid.Log(...) in slogapp; want %q in\n%s", want, out)
	}
}
