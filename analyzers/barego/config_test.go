package barego

import (
	"strings"
	"testing"
)

func TestCompile(t *testing.T) {
	s, err := Config{
		Launchers: []string{" example.com/p.F ", "", "(*example.com/p.T).M"},
		Spawners:  []string{"example.com/p.Spawn", "example.com/p.T.Go"},
	}.compile()
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{
		"example.com/p.F":     true,
		"example.com/p.T.M":   true,
		"time.AfterFunc":      true, // builtin
		"example.com/p.Spawn": false,
	} {
		if s.launchers[key] != want {
			t.Errorf("launchers[%q] = %v, want %v", key, s.launchers[key], want)
		}
	}
	if !s.spawners["example.com/p.Spawn"] || !s.spawners["example.com/p.T.Go"] || len(s.spawners) != 2 {
		t.Errorf("spawners = %v", s.spawners)
	}
	for _, name := range []string{"F", "M", "AfterFunc", "Spawn", "Go"} {
		if !s.names[name] {
			t.Errorf("names lacks %q", name)
		}
	}

	_, err = Config{Launchers: []string{"example.com/p.F"}, Spawners: []string{"example.com/p.G", "example.com/p.F"}}.compile()
	if err == nil || !strings.Contains(err.Error(), `"example.com/p.F" is listed both as a launcher`) {
		t.Errorf("a launcher that is also a spawner: err = %v", err)
	}
	_, err = Config{Launchers: []string{"(*example.com/p.T).M"}, Spawners: []string{"example.com/p.T.M"}}.compile()
	if err == nil || !strings.Contains(err.Error(), "both as a launcher") {
		t.Errorf("a method named as launcher and spawner in two forms: err = %v", err)
	}
}

func TestFlagConfig(t *testing.T) {
	f := newFlagConfig()
	launchers := listFlag{f, &f.cfg.Launchers}
	spawners := listFlag{f, &f.cfg.Spawners}
	if err := launchers.Set(" example.com/p.F ,, (*example.com/p.T).M"); err != nil {
		t.Fatal(err)
	}
	if got, want := launchers.String(), "example.com/p.F,(*example.com/p.T).M"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	before := f.settings.Load()
	if !before.launchers["example.com/p.F"] || !before.launchers["example.com/p.T.M"] {
		t.Errorf("launchers = %v", before.launchers)
	}

	err := launchers.Set("example.com/p.G,bad")
	if err == nil || !strings.Contains(err.Error(), `malformed launcher "bad"`) {
		t.Errorf("Set with a malformed entry: err = %v; want one naming \"bad\"", err)
	}
	if got := launchers.String(); got != "example.com/p.F,(*example.com/p.T).M" {
		t.Errorf("a failed Set changed the list to %q", got)
	}
	if f.settings.Load() != before {
		t.Error("a failed Set changed the settings")
	}

	if err := spawners.Set("example.com/p.F"); err == nil || !strings.Contains(err.Error(), "both as a launcher") {
		t.Errorf("a spawner that is a launcher: err = %v", err)
	}
	if spawners.String() != "" {
		t.Errorf("a failed Set left spawners %q", spawners.String())
	}
	if err := spawners.Set("example.com/p.Go"); err != nil {
		t.Fatal(err)
	}
	if s := f.settings.Load(); !s.spawners["example.com/p.Go"] || !s.launchers["example.com/p.F"] {
		t.Errorf("after setting spawners: launchers %v, spawners %v", s.launchers, s.spawners)
	}
	if before.spawners["example.com/p.Go"] {
		t.Error("Set changed the settings a pass may hold")
	}

	if err := launchers.Set(""); err != nil {
		t.Fatal(err)
	}
	if s := f.settings.Load(); launchers.String() != "" || s.launchers["example.com/p.F"] || !s.launchers["time.AfterFunc"] {
		t.Errorf("Set(\"\") left %q, launchers %v", launchers.String(), s.launchers)
	}
	if (listFlag{}).String() != "" {
		t.Error("the zero listFlag has a value")
	}
}
