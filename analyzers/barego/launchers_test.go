package barego

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseFuncName(t *testing.T) {
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
		got, err := parseFuncName(name)
		if err != nil || got != want {
			t.Errorf("parseFuncName(%q) = %q, %v; want %q", name, got, err, want)
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
		if key, err := parseFuncName(name); err == nil {
			t.Errorf("parseFuncName(%q) = %q; want an error", name, key)
		}
		for _, kind := range []string{"launcher", "spawner"} {
			_, err := parseEntries(kind, []string{"time.AfterFunc", name})
			if err == nil || !strings.Contains(err.Error(), "malformed "+kind+" "+strconv.Quote(name)) {
				t.Errorf("parseEntries(%q, %q): error %v does not name the entry", kind, name, err)
			}
		}
	}
}
