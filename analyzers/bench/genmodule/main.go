// Command genmodule writes a Go module of N packages that use ctxvar the way
// a large service does, for measuring how ctxvarlint scales:
//
//	go run ./analyzers/bench/genmodule -n 200 -o /tmp/gen200
//
// The module's package graph is a DAG eight levels deep:
//
//   - base/bK packages declare Vars, with and without defaults, also as
//     fields of a package-level struct, and helpers that set and read them;
//   - launch/lK packages hold wrappers: Spawn- and Bind-based launchers, an
//     errgroup wrapper, a worker pool, a launcher that starts a bare
//     goroutine on purpose, and a helper that sets several Vars around a
//     call;
//   - svc/lL/pNNN packages, in five layers, each import two base packages,
//     one or two launch packages and up to three lower svc packages (one of
//     them in the layer just below), and call Spawn, Bind, BindErr, BindArg,
//     Set/Reset, Get/GetOr/Lookup, Copy and Run, and each other; every
//     fourth one has a test file;
//   - cmd/bench is a main package that calls the top layer.
//
// A few mistakes are planted at a fixed rate, so that the analyzers have
// findings to make: bare go statements and a Launcher call whose functions
// read Vars (barego), Tokens from Set thrown away (losttoken), Gets of a
// Var without a default before any Set, in tests and main (unsetget), and a
// Launcher call whose function gets a Var without a default (both barego
// and unsetget, which learns the launcher from barego).
// Everything else is meant to be clean. genmodule writes the number of
// planted mistakes of each kind to planted.json in the module and prints it.
//
// The output is deterministic for a given -n. The module requires
// github.com/ctxvar/ctxvar, replaced by the directory given by -ctxvar (by
// default the enclosing module of the working directory), and
// golang.org/x/sync for errgroup; with -tidy (the default) genmodule writes
// go.sum by running go mod tidy offline (GOFLAGS=-mod=mod GOPROXY=off),
// starting from the ctxvar module's go.sum so that no checksum database is
// consulted; both modules must be in the module cache.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("genmodule: ")
	n := flag.Int("n", 200, "number of packages to generate (at least 10)")
	out := flag.String("o", "", "directory to write the module into; it must not exist or be empty")
	repo := flag.String("ctxvar", "", "directory of the github.com/ctxvar/ctxvar module (default: the module enclosing the working directory)")
	tidy := flag.Bool("tidy", true, "write go.sum with go mod tidy (offline)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if *n < minPackages {
		log.Fatalf("-n %d: need at least %d packages", *n, minPackages)
	}
	dir, err := filepath.Abs(*out)
	if err != nil {
		log.Fatal(err)
	}
	if *repo == "" {
		*repo, err = findRepo()
		if err != nil {
			log.Fatal(err)
		}
	}
	if *repo, err = filepath.Abs(*repo); err != nil {
		log.Fatal(err)
	}
	if err := checkEmpty(dir); err != nil {
		log.Fatal(err)
	}

	m := generate(*n, *repo)
	if err := m.write(dir); err != nil {
		log.Fatal(err)
	}
	if *tidy {
		if err := goModTidy(dir, *repo); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("%s: %d packages (%d with tests), planted %s\n", dir, m.packages, m.tested, bytes.TrimSpace(m.files["planted.json"]))
}

// write writes the module's files under dir.
func (m *module) write(dir string) error {
	for name, src := range m.files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goModTidy writes go.sum for the module in dir, offline. It starts from
// the go.sum of the ctxvar module in repo, which lists every module the
// generated one requires, so tidy verifies them without the checksum
// database.
func goModTidy(dir, repo string) error {
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return err
	}
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod tidy in %s: %v\n%s", dir, err, output)
	}
	return nil
}

// findRepo returns the directory of the github.com/ctxvar/ctxvar module
// that encloses the working directory.
func findRepo() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && declaredModule(data) == "github.com/ctxvar/ctxvar" {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the working directory is not inside the github.com/ctxvar/ctxvar module; set -ctxvar")
		}
		dir = parent
	}
}

func declaredModule(gomod []byte) string {
	for line := range bytes.Lines(gomod) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(string(line)), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// checkEmpty refuses to write into a directory that holds anything, so that
// no stale package from an earlier run survives.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	}
	return nil
}
