package barego

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Config configures a barego analyzer.
type Config struct {
	// Launchers lists functions and methods, besides those barego knows and
	// those it finds by itself, that run their func arguments on another
	// goroutine, as importpath.Func, (*importpath.Type).Method or
	// importpath.Type.Method. The function arguments of their calls that
	// use the Context are reported.
	Launchers []string

	// Spawners lists functions and methods, in the same forms, that run
	// their func arguments in a copy of the caller's Context, as
	// ctxvar.Spawn and ctxvar.Bind do: their func arguments are never
	// reported, and a function that hands its func parameter to one is a
	// Spawn-like wrapper, whose calls are fine too. A spawner is never a
	// launcher, even when barego would find it to be one.
	Spawners []string
}

// settings is a Config checked, with its names turned into the keys that
// launcherKey computes.
type settings struct {
	launchers map[string]bool // builtinLaunchers and Config.Launchers
	spawners  map[string]bool

	// names holds the last element of every key above, the function's or
	// method's own name, so that most calls are ruled out without building
	// their callee's key.
	names map[string]bool
}

// compile checks c and returns its settings. The error names the first
// malformed entry, or an entry that is both a launcher and a spawner.
func (c Config) compile() (*settings, error) {
	launchers, err := parseEntries("launcher", c.Launchers)
	if err != nil {
		return nil, err
	}
	spawners, err := parseEntries("spawner", c.Spawners)
	if err != nil {
		return nil, err
	}
	s := &settings{
		launchers: make(map[string]bool),
		spawners:  make(map[string]bool),
		names:     make(map[string]bool),
	}
	add := func(m map[string]bool, key string) {
		m[key] = true
		s.names[key[strings.LastIndexByte(key, '.')+1:]] = true
	}
	for key := range builtinLaunchers {
		add(s.launchers, key)
	}
	for _, e := range launchers {
		add(s.launchers, e.key)
	}
	for _, e := range spawners {
		for _, l := range launchers {
			if l.key == e.key {
				return nil, fmt.Errorf("barego: %q is listed both as a launcher (%q) and as a spawner (%q)", e.name, l.name, e.name)
			}
		}
		add(s.spawners, e.key)
	}
	return s, nil
}

// defaultSettings are those of an empty Config.
var defaultSettings = func() *settings {
	s, err := Config{}.compile()
	if err != nil {
		panic(err)
	}
	return s
}()

// flagConfig is the configuration of Analyzer, which its -launchers and
// -spawners flags change. Drivers parse the flags before running analyses,
// but a pass reads the settings once, atomically, so that a late change
// never leaves it with half of one.
type flagConfig struct {
	cfg      Config
	settings atomic.Pointer[settings]
}

func newFlagConfig() *flagConfig {
	f := new(flagConfig)
	f.settings.Store(defaultSettings)
	return f
}

// set replaces one list of the configuration. On an error it changes
// nothing.
func (f *flagConfig) set(list *[]string, value string) error {
	old := *list
	*list = strings.Split(value, ",")
	s, err := f.cfg.compile()
	if err != nil {
		*list = old
		return err
	}
	f.settings.Store(s)
	return nil
}

// listFlag is a flag.Value holding one list of a flagConfig.
type listFlag struct {
	config *flagConfig
	list   *[]string
}

// String returns the list's non-empty entries, comma-separated.
func (l listFlag) String() string {
	if l.list == nil {
		return ""
	}
	var names []string
	for _, e := range *l.list {
		if e = strings.TrimSpace(e); e != "" {
			names = append(names, e)
		}
	}
	return strings.Join(names, ",")
}

// Set replaces the list with the comma-separated entries of value; an
// empty value empties it.
func (l listFlag) Set(value string) error {
	return l.config.set(l.list, value)
}

type entry struct {
	name string // as given
	key  string // as launcherKey spells it
}

// parseEntries validates the entries of a launcher or spawner list and
// returns the non-empty ones with their keys. It fails on the first
// malformed entry.
func parseEntries(kind string, entries []string) ([]entry, error) {
	var out []entry
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		key, err := parseFuncName(e)
		if err != nil {
			return nil, fmt.Errorf("barego: malformed %s %q: %s; want importpath.Func, (*importpath.Type).Method or importpath.Type.Method", kind, e, err)
		}
		out = append(out, entry{name: e, key: key})
	}
	return out, nil
}
