package plugin

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/unsetget"
)

func names(as []*analysis.Analyzer) []string {
	var ns []string
	for _, a := range as {
		ns = append(ns, a.Name)
	}
	return ns
}

func build(t *testing.T, conf any) []string {
	t.Helper()
	p, err := New(conf)
	if err != nil {
		t.Fatalf("New(%v): %v", conf, err)
	}
	if mode := p.GetLoadMode(); mode != register.LoadModeTypesInfo {
		t.Errorf("GetLoadMode() = %q, want %q", mode, register.LoadModeTypesInfo)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatalf("BuildAnalyzers: %v", err)
	}
	if err := analysis.Validate(as); err != nil {
		t.Fatalf("BuildAnalyzers returned analyzers that do not validate: %v", err)
	}
	return names(as)
}

func TestRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin("ctxvarlint")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*Plugin); !ok {
		t.Errorf("the plugin registered as ctxvarlint is a %T, not this package's", p)
	}
}

// settings is what golangci-lint hands a plugin: its YAML decoded into maps
// with lowercased keys, lists as []any.
type settings = map[string]any

func list(s ...string) []any {
	var l []any
	for _, e := range s {
		l = append(l, e)
	}
	return l
}

func TestSelection(t *testing.T) {
	all := names(analyzers.All)
	for _, tc := range []struct {
		name string
		conf any
		want []string
	}{
		{"no settings", nil, all},
		{"empty settings", settings{}, all},
		{"empty lists", settings{"enable": list(), "disable": list()}, all},
		{"null lists", settings{"enable": nil, "disable": nil, "barego": nil}, all},
		{"disable one", settings{"disable": list("unsetget")}, without(all, "unsetget")},
		{"disable two", settings{"disable": list("barego", "removedapi")}, without(all, "barego", "removedapi")},
		{"enable one", settings{"enable": list("losttoken")}, []string{"losttoken"}},
		{"enable keeps the order of All", settings{"enable": list("removedapi", "barego")}, []string{"barego", "removedapi"}},
		{"enable and disable", settings{"enable": list("barego", "losttoken"), "disable": list("unsetget")}, []string{"barego", "losttoken"}},
		{"disable all", settings{"disable": list(all...)}, nil},
		{"keys in another case, as encoding/json allows", map[string]any{"Disable": list("barego")}, without(all, "barego")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := build(t, tc.conf); !slices.Equal(got, tc.want) {
				t.Errorf("analyzers = %v, want %v", got, tc.want)
			}
		})
	}
}

func without(all []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(n string) bool { return slices.Contains(drop, n) })
}

// TestBaregoSettings checks that the barego settings reach the barego
// analyzer the plugin builds, and only it: with pool.(*Pool).Go as a
// launcher, barego reports the call of it in testdata/mod/app; as a
// spawner, or without settings, it does not.
func TestBaregoSettings(t *testing.T) {
	pkgs := loadApp(t)
	const launcher = "(*example.com/gcltest/pool.Pool).Go"
	const finding = "pool.(*Pool).Go runs its function on another goroutine"
	for _, tc := range []struct {
		name string
		conf any
		want bool
	}{
		{"launcher", settings{"barego": settings{"launchers": list(launcher, "example.com/gcltest/pool.Submit")}}, true},
		{"spawner", settings{"barego": settings{"spawners": list(launcher)}}, false},
		{"no settings", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bg := analyzerNamed(t, pluginAnalyzers(t, tc.conf), "barego")
			if bg == barego.Analyzer {
				t.Error("the plugin runs barego.Analyzer, which its flags configure, not an analyzer of its own")
			}
			if got := baregoFindings(t, bg, pkgs, finding); got != tc.want {
				t.Errorf("barego reports the call of pool.(*Pool).Go: %v, want %v", got, tc.want)
			}
		})
	}
}

// TestUnsetgetSettings checks that the plugin's unsetget requires the
// plugin's barego, so that the launchers setting reaches unsetget too, also
// when barego is not enabled: with pool.(*Pool).Go as a launcher, unsetget
// reports the Get in the function that Serve hands to it, and barego runs
// only as unsetget's prerequisite, whose findings drivers do not show.
func TestUnsetgetSettings(t *testing.T) {
	pkgs := loadApp(t)
	const finding = "not set on a path from the goroutine started by pool.Pool.Go"
	for _, tc := range []struct {
		name string
		conf any
		want bool
	}{
		{"launcher", settings{"barego": settings{"launchers": list("(*example.com/gcltest/pool.Pool).Go")}}, true},
		{"launcher, barego disabled", settings{"disable": list("barego"), "barego": settings{"launchers": list("(*example.com/gcltest/pool.Pool).Go")}}, true},
		{"launcher, unsetget alone", settings{"enable": list("unsetget"), "barego": settings{"launchers": list("(*example.com/gcltest/pool.Pool).Go")}}, true},
		{"no settings", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := pluginAnalyzers(t, tc.conf)
			ug := analyzerNamed(t, as, "unsetget")
			if ug == unsetget.Analyzer || slices.Contains(ug.Requires, barego.Analyzer) {
				t.Error("the plugin runs an unsetget that requires barego.Analyzer, which its flags configure, not the plugin's barego")
			}
			if j := slices.IndexFunc(as, func(a *analysis.Analyzer) bool { return a.Name == "barego" }); j >= 0 && !slices.Contains(ug.Requires, as[j]) {
				t.Error("the plugin's unsetget does not require the plugin's barego")
			}
			graph, err := checker.Analyze(as, pkgs, nil)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for act := range graph.All() {
				if act.Err != nil {
					t.Errorf("%v: %v", act, act.Err)
				}
				if !act.IsRoot {
					continue // drivers show the findings of root actions only
				}
				if !slices.Contains(as, act.Analyzer) {
					t.Errorf("%v is a root action, but the plugin does not enable %s", act, act.Analyzer.Name)
				}
				for _, d := range act.Diagnostics {
					found = found || act.Analyzer == ug && strings.Contains(d.Message, finding)
				}
			}
			if found != tc.want {
				t.Errorf("unsetget reports the Get in the function Serve hands to pool.(*Pool).Go: %v, want %v", found, tc.want)
			}
		})
	}
}

// loadApp loads testdata/mod/app and its dependencies from source, as an
// analysis driver does for analyzers with facts.
func loadApp(t *testing.T) []*packages.Package {
	t.Helper()
	cfg := &packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  filepath.Join("testdata", "mod"),
		Env:  append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./app")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("testdata/mod/app does not load")
	}
	return pkgs
}

// baregoFindings runs a on pkgs and reports whether one of its diagnostics
// contains text.
func baregoFindings(t *testing.T, a *analysis.Analyzer, pkgs []*packages.Package, text string) bool {
	t.Helper()
	graph, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for act := range graph.All() {
		if act.Err != nil {
			t.Errorf("%v: %v", act, act.Err)
		}
		for _, d := range act.Diagnostics {
			found = found || strings.Contains(d.Message, text)
		}
	}
	return found
}

func TestBadSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		conf any
		want []string // substrings of the error
	}{
		{
			"unknown key",
			settings{"disabled": list("barego")},
			[]string{`ctxvarlint settings: unknown setting "disabled"`, "enable, disable, barego"},
		},
		{
			"unknown barego key",
			settings{"barego": settings{"lanchers": list("example.com/pool.Go")}},
			[]string{`unknown setting "barego.lanchers"`, "the settings of barego are launchers, spawners"},
		},
		{
			"analyzer settings under a name that is not an analyzer's",
			settings{"bargo": settings{"launchers": list("example.com/pool.Go")}},
			[]string{`unknown setting "bargo"`},
		},
		{
			"string for a list",
			settings{"disable": "unsetget"},
			[]string{`setting "disable" must be a list of strings, not the string "unsetget"`},
		},
		{
			"number in a list",
			settings{"barego": settings{"launchers": []any{"example.com/pool.Go", 42}}},
			[]string{`setting "barego.launchers[1]" must be a string, not the number 42`},
		},
		{
			"list for a section",
			settings{"barego": list("launchers")},
			[]string{`setting "barego" must be a mapping of launchers, spawners, not a list`},
		},
		{
			"boolean for a section",
			settings{"barego": true},
			[]string{`setting "barego" must be a mapping of launchers, spawners, not the boolean true`},
		},
		{
			"settings that are not a mapping",
			"barego",
			[]string{`the settings must be a mapping of enable, disable, barego, not the string "barego"`},
		},
		{
			"unknown analyzer in disable",
			settings{"disable": list("bargo")},
			[]string{`setting "disable": unknown analyzer "bargo"`, "barego, unsetget, losttoken, removedapi, tokenmisuse, localvar"},
		},
		{
			"unknown analyzer in enable",
			settings{"enable": list("barego", "ctxvarlint")},
			[]string{`setting "enable": unknown analyzer "ctxvarlint"`},
		},
		{
			"analyzer enabled and disabled",
			settings{"enable": list("barego"), "disable": list("barego")},
			[]string{`analyzer "barego" is both in setting "enable" and in setting "disable"`},
		},
		{
			"launcher without a function name",
			settings{"barego": settings{"launchers": list("example.com/pool")}},
			[]string{`setting "barego.launchers": malformed launcher `, `"example.com/pool"`},
		},
		{
			"launcher with an unparenthesized pointer receiver",
			settings{"barego": settings{"launchers": list("*example.com/pool.Pool.Go")}},
			[]string{`setting "barego.launchers": malformed launcher `, `"*example.com/pool.Pool.Go"`},
		},
		{
			"launcher with a space",
			settings{"barego": settings{"launchers": list("example.com/pool.Pool Go")}},
			[]string{`setting "barego.launchers": malformed launcher `, `"example.com/pool.Pool Go"`},
		},
		{
			"launcher with a bad receiver",
			settings{"barego": settings{"launchers": list("(*Pool).Go")}},
			[]string{`setting "barego.launchers": malformed launcher `, `"(*Pool).Go"`},
		},
		{
			"malformed spawner",
			settings{"barego": settings{"spawners": list("example.com/pool.Spawn", "example.com/pool")}},
			[]string{`setting "barego.spawners": malformed spawner `, `"example.com/pool"`},
		},
		{
			"number in spawners",
			settings{"barego": settings{"spawners": []any{true}}},
			[]string{`setting "barego.spawners[0]" must be a string, not the boolean true`},
		},
		{
			"launcher that is a spawner too",
			settings{"barego": settings{"launchers": list("(*example.com/pool.Pool).Go"), "spawners": list("example.com/pool.Pool.Go")}},
			[]string{`settings "barego.launchers" and "barego.spawners": "example.com/pool.Pool.Go" is listed both as a launcher ("(*example.com/pool.Pool).Go") and as a spawner`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(tc.conf)
			if err == nil {
				as, _ := p.BuildAnalyzers()
				t.Fatalf("New(%#v) succeeded with analyzers %v, want an error", tc.conf, names(as))
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestExplainAgreesWithDecode checks that explain rejects only what
// register.DecodeSettings rejects, so that its messages never stand in for
// a decoding that would have worked.
func TestExplainAgreesWithDecode(t *testing.T) {
	for _, conf := range []any{
		nil,
		settings{},
		settings{"disable": list("barego")},
		settings{"DISABLE": list("barego")},
		settings{"barego": settings{"Launchers": list("example.com/pool.Go")}},
		settings{"barego": nil},
		settings{"enable": []any{nil}},
		settings{"disabled": list("barego")},
		settings{"barego": settings{"launchers": "example.com/pool.Go"}},
		settings{"barego": 1},
		[]any{"barego"},
		true,
	} {
		_, decodeErr := register.DecodeSettings[Settings](conf)
		problem := explain(conf)
		if (decodeErr == nil) != (problem == "") {
			t.Errorf("settings %#v: DecodeSettings error %v, but explain says %q", conf, decodeErr, problem)
		}
	}
}

// TestConcurrentBuilds builds plugins the way golangci-lint may, several
// times and at once, and checks that each keeps its own selection.
func TestConcurrentBuilds(t *testing.T) {
	confs := []struct {
		conf any
		want []string
	}{
		{settings{"disable": list("barego")}, without(names(analyzers.All), "barego")},
		{settings{"enable": list("unsetget")}, []string{"unsetget"}},
		{nil, names(analyzers.All)},
	}
	var wg sync.WaitGroup
	errs := make(chan string, 10*len(confs))
	for range 10 {
		for _, c := range confs {
			wg.Go(func() {
				p, err := New(c.conf)
				if err != nil {
					errs <- err.Error()
					return
				}
				for range 2 {
					as, err := p.BuildAnalyzers()
					if err != nil {
						errs <- err.Error()
						return
					}
					if got := names(as); !slices.Equal(got, c.want) {
						errs <- strings.Join(got, ",") + " != " + strings.Join(c.want, ",")
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestBuildAnalyzersCopies checks that a caller that edits the returned
// slice does not change what the next call returns.
func TestBuildAnalyzersCopies(t *testing.T) {
	p, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := p.BuildAnalyzers()
	first[0] = nil
	second, _ := p.BuildAnalyzers()
	if second[0] == nil {
		t.Error("BuildAnalyzers returns the plugin's own slice")
	}
}

// pluginAnalyzers makes the plugin for the settings conf and returns its
// analyzers.
func pluginAnalyzers(t *testing.T, conf any) []*analysis.Analyzer {
	t.Helper()
	p, err := New(conf)
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// analyzerNamed returns the analyzer of as called name.
func analyzerNamed(t *testing.T, as []*analysis.Analyzer, name string) *analysis.Analyzer {
	t.Helper()
	i := slices.IndexFunc(as, func(a *analysis.Analyzer) bool { return a.Name == name })
	if i < 0 {
		t.Fatalf("the plugin has no %s analyzer", name)
	}
	return as[i]
}
