package unsetget_test

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
	"github.com/ctxvar/ctxvar/analyzers/unsetget"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./a", "./b", "./initset", "./app", "./noreturn")
}

// The analyzer offers no fixes: each would change what the program does.
func TestNoSuggestedFixes(t *testing.T) {
	for _, res := range analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./a") {
		for _, d := range res.Diagnostics {
			if len(d.SuggestedFixes) > 0 {
				t.Errorf("%v: unexpected suggested fix", res.Pass.Fset.Position(d.Pos))
			}
		}
	}
}

// The test data must build and pass vet as ordinary Go code, so that what
// the analyzer is tested on is code a user could write.
func TestTestdataBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = "testdata"
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s in testdata: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Under go vet, imported packages come from export data, which does not
// list every package they import: facts of packages imported only for their
// side effects must still be found. Here app imports initset, whose init
// function sets b.User, only for that.
func TestVetTool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a vet tool")
	}
	tool, env := testmodule.VetTool(t, "github.com/ctxvar/ctxvar/analyzers/unsetget")
	vet := exec.Command("go", "vet", "-vettool="+tool, "./app")
	vet.Dir, vet.Env = "testdata", env
	out, err := vet.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet reported nothing; want the Get of b.RequestID\n%s", out)
	}
	if !strings.Contains(string(out), "b.RequestID.Get can panic") {
		t.Errorf("go vet did not report the Get of b.RequestID:\n%s", out)
	}
	if strings.Contains(string(out), "b.User.Get") {
		t.Errorf("go vet reported the Get of b.User, which initset's init sets:\n%s", out)
	}
}

// TestStarts checks that the function arguments of the launchers and
// Spawns barego finds, in the package and through its facts in package
// wrap, are goroutines that start with an empty Context and in a copy of
// the caller's, and those of other functions are not.
func TestStarts(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./starts")
}

// configuredBarego is barego told of the launchers and the spawner of
// package wrap that it cannot see by itself.
var configuredBarego = barego.Config{
	Launchers: []string{"(*example.com/unsetget/wrap.Pool).Later", "example.com/unsetget/wrap.LaterFunc"},
	Spawners:  []string{"example.com/unsetget/wrap.Pool.Enqueue"},
}

// TestNew checks that an unsetget made by New for a configured barego
// takes its launchers and spawners, and that Analyzer, with barego.Analyzer
// unconfigured, does not.
func TestNew(t *testing.T) {
	bg, err := barego.New(configuredBarego)
	if err != nil {
		t.Fatal(err)
	}
	a := unsetget.New(bg)
	if err := analysis.Validate([]*analysis.Analyzer{bg, a}); err != nil {
		t.Errorf("a configured barego and its unsetget do not validate: %v", err)
	}
	analysistest.Run(t, analysistest.TestData(), a, "./configured")

	var recorder recordT
	analysistest.Run(&recorder, analysistest.TestData(), unsetget.Analyzer, "./configured")
	if !recorder.failed {
		t.Error("Analyzer reported the functions run by launchers that only a configured barego knows")
	}
}

// TestBaregoFlags checks that barego.Analyzer's flags, which the ctxvarlint
// command sets, configure Analyzer too.
func TestBaregoFlags(t *testing.T) {
	flags := &barego.Analyzer.Flags
	for name, list := range map[string][]string{"launchers": configuredBarego.Launchers, "spawners": configuredBarego.Spawners} {
		if err := flags.Set(name, strings.Join(list, ",")); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := flags.Set(name, ""); err != nil {
				t.Error(err)
			}
		})
	}
	analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./configured")
}

// TestOneBarego checks that Analyzer requires barego.Analyzer and an
// analyzer made by New the barego it was made for, so that a driver that
// runs a configured barego, with Analyzer, is refused rather than run with
// two barego analyzers; and that New takes only a barego analyzer.
func TestOneBarego(t *testing.T) {
	if !slices.Contains(unsetget.Analyzer.Requires, barego.Analyzer) {
		t.Error("Analyzer does not require barego.Analyzer")
	}
	bg, err := barego.New(barego.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if a := unsetget.New(bg); !slices.Contains(a.Requires, bg) || slices.Contains(a.Requires, barego.Analyzer) {
		t.Errorf("New(bg) requires %v; want bg and not barego.Analyzer", a.Requires)
	}
	err = analysis.Validate([]*analysis.Analyzer{bg, unsetget.Analyzer})
	if err == nil || !strings.Contains(err.Error(), "registered by two analyzers") {
		t.Errorf("Validate of a configured barego with Analyzer: err = %v; want a fact type registered by two analyzers", err)
	}
	for _, notBarego := range []*analysis.Analyzer{nil, unsetget.Analyzer} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%v) did not panic", notBarego)
				}
			}()
			unsetget.New(notBarego)
		}()
	}
}

// recordT is an analysistest.Testing that records a failure instead of
// failing the test.
type recordT struct{ failed bool }

func (r *recordT) Errorf(format string, args ...any) { r.failed = true }

// TestRunContext checks the functions given to ctxvar.RunContext: against
// the Vars set where ctxvar.WithCurrent took the snapshot, when the function
// takes it; not at all when the snapshot comes from elsewhere.
func TestRunContext(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), unsetget.Analyzer, "./runcontext", "./slogged")
}
