package barego

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseLauncher(t *testing.T) {
	valid := map[string]string{
		"time.AfterFunc":                         "time.AfterFunc",
		"example.com/pool.Submit":                "example.com/pool.Submit",
		"gopkg.in/yaml.v3.Marshal":               "gopkg.in/yaml.v3.Marshal",
		"(*golang.org/x/sync/errgroup.Group).Go": "golang.org/x/sync/errgroup.Group.Go",
		"(example.com/pool.Pool).Go":             "example.com/pool.Pool.Go",
		"example.com/pool.Pool.Go":               "example.com/pool.Pool.Go",
		"(*example.com/pool.v2.Pool).Go":         "example.com/pool.v2.Pool.Go",
		"(*example.com/deep/path/pool.Pool).Run": "example.com/deep/path/pool.Pool.Run",
	}
	for name, want := range valid {
		got, err := parseLauncher(name)
		if err != nil || got != want {
			t.Errorf("parseLauncher(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	malformed := []string{
		"time",
		"time.",
		".AfterFunc",
		"example.com/pool",
		"example.com/pool/.Submit",
		"example.com//pool.Submit",
		"time..AfterFunc",
		"time.1AfterFunc",
		"time.After Func",
		"*time.Timer.Reset",
		"(*time.Timer.Reset",
		"(*time.Timer)Reset",
		"(*time.Timer).",
		"(*time).Reset",
		"(*.Timer).Reset",
		"(*time.Timer).Reset.More",
		"(**time.Timer).Reset",
		`"time.AfterFunc"`,
	}
	for _, name := range malformed {
		_, err := parseLauncher(name)
		if err == nil {
			t.Errorf("parseLauncher(%q) succeeded; want an error", name)
			continue
		}
		if !strings.Contains(err.Error(), strconv.Quote(name)) {
			t.Errorf("parseLauncher(%q) error %q does not name the entry", name, err)
		}
	}
}

func TestLauncherListSet(t *testing.T) {
	l := new(launcherList)
	if err := l.Set(" example.com/p.F ,, (*example.com/p.T).M,example.com/p.F"); err != nil {
		t.Fatal(err)
	}
	if got, want := l.String(), "example.com/p.F,(*example.com/p.T).M"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	keys := l.snapshot()
	if !keys["example.com/p.F"] || !keys["example.com/p.T.M"] || len(keys) != 2 {
		t.Errorf("keys = %v", keys)
	}

	err := l.Set("example.com/p.G,bad")
	if err == nil || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("Set with a malformed entry: err = %v; want one naming \"bad\"", err)
	}
	if got := l.String(); got != "example.com/p.F,(*example.com/p.T).M" {
		t.Errorf("a failed Set changed the list to %q", got)
	}

	if err := l.add([]string{"example.com/p.G", "example.com/p.F"}); err != nil {
		t.Fatal(err)
	}
	if got, want := l.String(), "example.com/p.F,(*example.com/p.T).M,example.com/p.G"; got != want {
		t.Errorf("after add, String() = %q; want %q", got, want)
	}
	if keys["example.com/p.G"] {
		t.Error("add changed a snapshot taken before it")
	}

	if err := l.Set(""); err != nil {
		t.Fatal(err)
	}
	if l.String() != "" || len(l.snapshot()) != 0 {
		t.Errorf("Set(\"\") left %q", l.String())
	}
}
