package barego_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/barego"
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
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	src, err := filepath.Abs(analysistest.TestData())
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join(src, "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	goldens := 0
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasSuffix(rel, ".golden"):
			rel = strings.TrimSuffix(rel, ".golden")
			goldens++
		case rel == "go.mod":
			data = []byte(strings.ReplaceAll(string(data), "=> ../../..", "=> "+root))
		default:
			if _, err := os.Stat(path + ".golden"); err == nil {
				return nil // replaced by its golden file
			}
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if goldens == 0 {
		t.Fatal("no golden files found")
	}
	for _, args := range [][]string{
		{"build", "./..."},
		{"vet", "./fix", "./fiximport", "./fixalias", "./fixnone"},
	} {
		cmd := exec.Command(gotool, args...)
		cmd.Dir = dst
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s in the fixed module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
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
