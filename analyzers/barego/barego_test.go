package barego_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
)

func TestAnalyzer(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./a", "./b", "./c")
}

// TestLaunchersFlag checks launchers added with -launchers, in both forms
// of method names.
func TestLaunchersFlag(t *testing.T) {
	flags := &barego.Analyzer.Flags
	old := flags.Lookup("launchers").Value.String()
	if err := flags.Set("launchers", "example.com/barego/b.Later, (*example.com/barego/b.Queue).Push"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := flags.Set("launchers", old); err != nil {
			t.Fatal(err)
		}
	}()
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./flagged")
}

// TestLaunchersFlagMethodForm checks the importpath.Type.Method form.
func TestLaunchersFlagMethodForm(t *testing.T) {
	flags := &barego.Analyzer.Flags
	old := flags.Lookup("launchers").Value.String()
	if err := flags.Set("launchers", "example.com/barego/b.Queue.Push,example.com/barego/b.Later"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := flags.Set("launchers", old); err != nil {
			t.Fatal(err)
		}
	}()
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./flagged")
}

func TestSuggestedFixes(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), barego.Analyzer, "./fix", "./fiximport", "./fixalias", "./fixnone")
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
	testmodule.Go(t, dir, "vet", "./fix", "./fiximport", "./fixalias", "./fixnone")
}

func TestAddLaunchers(t *testing.T) {
	flags := &barego.Analyzer.Flags
	old := flags.Lookup("launchers").Value.String()
	defer func() {
		if err := flags.Set("launchers", old); err != nil {
			t.Fatal(err)
		}
	}()
	if err := barego.AddLaunchers("example.com/barego/b.Later", "(*example.com/barego/b.Queue).Push"); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), barego.Analyzer, "./flagged")

	err := barego.AddLaunchers("example.com/ok.F", "(*example.com/p.T.M")
	if err == nil || !strings.Contains(err.Error(), `"(*example.com/p.T.M"`) {
		t.Errorf("AddLaunchers with a malformed name: err = %v; want one naming it", err)
	}
	if got := flags.Lookup("launchers").Value.String(); strings.Contains(got, "example.com/ok.F") {
		t.Errorf("a failed AddLaunchers added names: %q", got)
	}
	if err := flags.Set("launchers", "time"); err == nil || !strings.Contains(err.Error(), `"time"`) {
		t.Errorf("-launchers=time: err = %v; want one naming \"time\"", err)
	}
}
