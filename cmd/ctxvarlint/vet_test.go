package main

import (
	"slices"
	"strings"
	"testing"
)

// TestGoVet runs the command as go vet's analysis tool. go vet prints the
// findings as file:line:col: message with file names relative to the
// current directory, and a package that does not type-check as a "# pkg"
// line followed by the compiler's error; the status is 1 on findings or
// errors and 0 when there is nothing to report.
func TestGoVet(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := sharedModule(t, "multipkg")

	r := run(t, dir, "go", "vet", "-vettool="+bin, "./...")
	if r.code != 1 {
		t.Errorf("go vet: exit status %d, want 1\n%v", r.code, r)
	}
	found, other := textFindings(dir, r.stderr)
	found = slices.DeleteFunc(found, func(f finding) bool {
		return f.file == "legacy/legacy.go" && strings.Contains(f.message, "undefined: ctxvar.EnableInherit")
	})
	// go vet does not run analyzers on packages that do not type-check, so
	// removedapi has nothing to say there.
	checkWants(t, found, slices.DeleteFunc(wants(t, dir), func(w want) bool { return w.file == "legacy/legacy.go" }))
	if !slices.Equal(other, []string{"# example.com/multipkg/legacy"}) {
		t.Errorf("go vet: want one # line for the package that does not type-check, got other lines %q\n%v", other, r)
	}
	if !strings.Contains(r.stderr, "# example.com/multipkg/legacy\nlegacy/legacy.go:13:9: undefined: ctxvar.EnableInherit\n") {
		t.Errorf("go vet: the type error of legacy does not follow its # line\n%v", r)
	}

	// Analyzer flags pass through go vet.
	r = run(t, dir, "go", "vet", "-vettool="+bin, "-losttoken=false", "./app")
	found, _ = textFindings(dir, r.stderr)
	checkWants(t, found, slices.DeleteFunc(wants(t, dir), func(w want) bool {
		return w.analyzer == "losttoken" || !strings.HasPrefix(w.file, "app/")
	}))

	r = run(t, dir, "go", "vet", "-vettool="+bin, "./clean")
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Errorf("go vet on the clean package: want exit status 0 and no output\n%v", r)
	}
}

// TestGoFix runs the command as go fix's fix tool: with -diff it prints the
// fixes and exits with status 1, changing nothing; without, it applies
// them to the packages that type-check, as ctxvarlint -fix does.
func TestGoFix(t *testing.T) {
	t.Parallel()
	bin := ctxvarlint(t)
	dir := copyModule(t, "multipkg")

	r := run(t, dir, "go", "fix", "-fixtool="+bin, "-diff", "./app")
	if r.code != 1 {
		t.Errorf("go fix -diff: exit status %d, want 1 for a non-empty diff\n%v", r.code, r)
	}
	for _, s := range []string{"app/app.go (old)\n", "\n+\tdefer lib.RequestID.Reset(lib.RequestID.Set(id))", "app/app_test.go (new)\n"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("go fix -diff output lacks %q\n%v", s, r)
		}
	}
	checkUnchanged(t, dir, "multipkg")

	// The legacy package does not type-check, so go fix fails there and
	// leaves it alone, but fixes the others.
	r = run(t, dir, "go", "fix", "-fixtool="+bin, "./...")
	if r.code != 1 || !strings.Contains(r.stderr, "# example.com/multipkg/legacy\n") {
		t.Errorf("go fix: want exit status 1 and the type error of legacy\n%v", r)
	}
	checkFixed(t, dir, "multipkg", []string{"app/app.go", "app/app_test.go"})
	build(t, dir, typeCheckedPkgs...)
}
