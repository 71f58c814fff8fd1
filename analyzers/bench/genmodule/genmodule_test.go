package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := generate(57, "/repo"), generate(57, "/repo")
	if !maps.EqualFunc(a.files, b.files, bytes.Equal) {
		t.Error("two runs with the same -n generated different files")
	}
	if c := generate(58, "/repo"); maps.EqualFunc(a.files, c.files, bytes.Equal) {
		t.Error("-n 57 and -n 58 generated the same files")
	}
}

func TestShape(t *testing.T) {
	for _, n := range []int{minPackages, 57, 200, 400} {
		m := generate(n, "/repo")
		dirs := make(map[string]bool)
		for name := range m.files {
			if strings.HasSuffix(name, ".go") {
				dirs[path.Dir(name)] = true
			}
		}
		if len(dirs) != n || m.packages != n {
			t.Errorf("-n %d: %d package directories, %d packages counted", n, len(dirs), m.packages)
		}

		// Every planted mistake carries a comment that says so; their number
		// must be what planted.json promises.
		var planted map[string]int
		if err := json.Unmarshal(m.files["planted.json"], &planted); err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, c := range planted {
			want += c
		}
		got := 0
		for _, src := range m.files {
			got += bytes.Count(src, []byte("is a planted mistake")) + bytes.Count(src, []byte("A planted mistake"))
		}
		if got != want || want == 0 {
			t.Errorf("-n %d: %d planted mistakes in the source, planted.json counts %d", n, got, want)
		}
		if planted["barego"] == 0 || planted["losttoken"] == 0 || planted["unsetget"] == 0 {
			t.Errorf("-n %d: an analyzer has nothing planted: %v", n, planted)
		}
	}
}

// TestDepth checks the import graph is as deep as the documentation says:
// main, five svc layers, a launch package and a base package.
func TestDepth(t *testing.T) {
	for _, n := range []int{minPackages, 200} {
		imports := make(map[string][]string) // package dir -> imported module dirs
		for name, src := range generate(n, "/repo").files {
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			for line := range strings.Lines(string(src)) {
				if p, ok := strings.CutPrefix(strings.TrimSpace(line), `"`+modulePath+"/"); ok {
					imports[path.Dir(name)] = append(imports[path.Dir(name)], strings.TrimSuffix(p, `"`))
				}
			}
		}
		var depth func(string) int
		depth = func(dir string) int {
			d := 0
			for _, imp := range imports[dir] {
				d = max(d, depth(imp))
			}
			return d + 1
		}
		if got := depth("cmd/bench"); got != 8 {
			t.Errorf("-n %d: import chains from cmd/bench are %d packages long, want 8", n, got)
		}
	}
}

// TestBuilds type-checks and vets a generated module, tests included,
// against the ctxvar runtime of this checkout.
func TestBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a generated module")
	}
	repo, err := findRepo()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := generate(37, repo).write(dir); err != nil {
		t.Fatal(err)
	}
	if err := goModTidy(dir, repo); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet ./... in the generated module: %v\n%s", err, out)
	}
}

func TestCheckEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := checkEmpty(dir + "/missing"); err != nil {
		t.Errorf("a missing directory: %v", err)
	}
	if err := checkEmpty(dir); err != nil {
		t.Errorf("an empty directory: %v", err)
	}
	if err := os.WriteFile(dir+"/x", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := checkEmpty(dir); err == nil {
		t.Error("a directory with a file: no error")
	}
}
