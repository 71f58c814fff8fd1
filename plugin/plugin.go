// Package plugin makes the ctxvarlint analyzers a golangci-lint v2 module
// plugin named "ctxvarlint".
//
// A custom golangci-lint binary that imports this package for its side
// effect runs the analyzers as the linter ctxvarlint:
//
//	import _ "github.com/ctxvar/ctxvar/plugin"
//
// configured in .golangci.yml:
//
//	version: "2"
//	linters:
//	  enable:
//	    - ctxvarlint
//	  settings:
//	    custom:
//	      ctxvarlint:
//	        type: module
//	        description: context variables used without their Context
//	        settings:
//	          disable:
//	            - unsetget
//	          barego:
//	            launchers:
//	              - (*example.com/pool.Pool).Go
//	            spawners:
//	              - example.com/pool.Spawn
//
// The settings are described by [Settings]. docs/golangci-lint.md in the
// repository explains how to build the custom binary.
package plugin

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/tokenmisuse"
	"github.com/ctxvar/ctxvar/analyzers/unsetget"
)

// Name is the plugin's name: the key under linters.settings.custom and the
// linter name that //nolint directives and linters.enable use.
const Name = "ctxvarlint"

func init() {
	register.Plugin(Name, New)
}

// Settings is the plugin's configuration, the value of
// linters.settings.custom.ctxvarlint.settings. golangci-lint lowercases the
// keys of its configuration, so every key is one lowercase word; lists hold
// strings. Unknown keys are errors.
type Settings struct {
	// Enable lists the analyzers to run. Empty means all of them.
	Enable []string `json:"enable"`

	// Disable lists analyzers not to run, taken out of Enable (or of all
	// analyzers when Enable is empty).
	Disable []string `json:"disable"`

	// Barego configures the barego analyzer, and through it unsetget.
	Barego BaregoSettings `json:"barego"`
}

// BaregoSettings configures the barego analyzer, and unsetget, which takes
// from barego which calls start goroutines.
type BaregoSettings struct {
	// Launchers lists functions and methods, besides those barego knows
	// and those it finds by itself, that run their func arguments on
	// another goroutine, as importpath.Func, (*importpath.Type).Method or
	// importpath.Type.Method. barego reports the function arguments of
	// their calls that use context variables; unsetget checks them as
	// goroutines that start with an empty Context.
	Launchers []string `json:"launchers"`

	// Spawners lists functions and methods, in the same forms, that run
	// their func arguments in a copy of the caller's Context, as
	// ctxvar.Spawn does. barego never reports their function arguments,
	// and takes a function that hands its func parameter to one for a
	// Spawn too; unsetget checks them as it checks ctxvar.Spawn's.
	Spawners []string `json:"spawners"`
}

// Plugin is the ctxvarlint linter for one golangci-lint configuration.
type Plugin struct {
	analyzers []*analysis.Analyzer
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New returns the plugin configured by conf, the settings golangci-lint
// read from its configuration file (nil when there are none). The error of
// a bad setting names it.
func New(conf any) (register.LinterPlugin, error) {
	s, err := decode(conf)
	if err != nil {
		return nil, err
	}
	as, err := s.analyzers()
	if err != nil {
		return nil, fmt.Errorf("%s settings: %w", Name, err)
	}
	return &Plugin{analyzers: as}, nil
}

// BuildAnalyzers returns the analyzers the settings enable, in the order of
// analyzers.All.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	return slices.Clone(p.analyzers), nil
}

// GetLoadMode returns register.LoadModeTypesInfo: the analyzers need type
// information, and facts about the packages the linted ones import.
func (p *Plugin) GetLoadMode() string {
	return register.LoadModeTypesInfo
}

// decode decodes raw settings with register.DecodeSettings, and explains
// its errors by the setting's path, since encoding/json names neither the
// section of an unknown key nor the keys it would accept.
func decode(conf any) (Settings, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		if problem := explain(conf); problem != "" {
			return Settings{}, fmt.Errorf("%s settings: %s", Name, problem)
		}
		return Settings{}, fmt.Errorf("%s settings: %w", Name, err)
	}
	return s, nil
}

// analyzers returns the analyzers the settings enable, configured.
func (s *Settings) analyzers() ([]*analysis.Analyzer, error) {
	enabled, err := s.enabled()
	if err != nil {
		return nil, err
	}
	bg, err := s.Barego.analyzer()
	if err != nil {
		return nil, err
	}
	// unsetget learns from barego which calls start goroutines: it must
	// require the plugin's barego, not barego.Analyzer, since a run holds
	// one barego. With barego disabled, bg still runs, as unsetget's
	// prerequisite, and golangci-lint shows none of its findings.
	ug := unsetget.New(bg)
	tm := tokenmisuse.New(bg) // the same, for the launchers' callbacks
	var as []*analysis.Analyzer
	for _, a := range analyzers.All {
		switch a {
		case barego.Analyzer:
			a = bg
		case unsetget.Analyzer:
			a = ug
		case tokenmisuse.Analyzer:
			a = tm
		}
		if enabled[a.Name] {
			as = append(as, a)
		}
	}
	return as, nil
}

// enabled returns the names of the analyzers to run.
func (s *Settings) enabled() (map[string]bool, error) {
	var names []string
	for _, a := range analyzers.All {
		names = append(names, a.Name)
	}
	check := func(key string, list []string) error {
		for _, n := range list {
			if !slices.Contains(names, n) {
				return fmt.Errorf("setting %q: unknown analyzer %q; the analyzers are %s", key, n, strings.Join(names, ", "))
			}
		}
		return nil
	}
	if err := cmp.Or(check("enable", s.Enable), check("disable", s.Disable)); err != nil {
		return nil, err
	}
	enabled := make(map[string]bool)
	for _, n := range names {
		enabled[n] = len(s.Enable) == 0 || slices.Contains(s.Enable, n)
	}
	for _, n := range s.Disable {
		if slices.Contains(s.Enable, n) {
			return nil, fmt.Errorf("analyzer %q is both in setting \"enable\" and in setting \"disable\"", n)
		}
		enabled[n] = false
	}
	return enabled, nil
}

// analyzer returns the barego analyzer the settings configure, the
// Plugin's own: barego.Analyzer stays as its flags left it. golangci-lint
// makes one Plugin per run, and barego's fact types allow one barego
// analyzer in a run, which the Plugin's unsetget requires too.
func (b *BaregoSettings) analyzer() (*analysis.Analyzer, error) {
	// Each list is checked alone first, so that an error names its setting.
	for _, list := range []struct {
		key    string
		config barego.Config
	}{
		{"barego.launchers", barego.Config{Launchers: b.Launchers}},
		{"barego.spawners", barego.Config{Spawners: b.Spawners}},
	} {
		if _, err := barego.New(list.config); err != nil {
			return nil, fmt.Errorf("setting %q: %s", list.key, trimName(err))
		}
	}
	a, err := barego.New(barego.Config{Launchers: b.Launchers, Spawners: b.Spawners})
	if err != nil {
		return nil, fmt.Errorf("settings \"barego.launchers\" and \"barego.spawners\": %s", trimName(err))
	}
	return a, nil
}

// trimName returns the message of a barego error without its leading
// "barego: ", which the setting's path already gives.
func trimName(err error) string {
	return strings.TrimPrefix(err.Error(), "barego: ")
}
