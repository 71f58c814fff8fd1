package lsp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The server program of the Eglot configuration in docs/editors.md, and the
// one the docs give for running ctxvarlint alone: rass (rassumfrassum) is
// not packaged for Debian, so the test runs ctxvarlint alone.
const (
	eglotRass  = `("rass" "--" "gopls" "--" "ctxvarlint" "lsp")`
	eglotAlone = `("ctxvarlint" "lsp")`
)

// eglotProbe prints the versions of Emacs, Eglot and go-mode, "none" for a
// package Emacs cannot load.
const eglotProbe = `(progn
  (require 'lisp-mnt)
  (defun probe-version (feature)
    (if (require feature nil t)
        (or (ignore-errors (lm-version (find-library-name (symbol-name feature))))
            "(version unknown)")
      "none"))
  (princ (format "Emacs %s, Eglot %s, go-mode %s\n"
                 emacs-version (probe-version 'eglot) (probe-version 'go-mode))))`

// TestEglot runs the server under Emacs's Eglot, configured as
// docs/editors.md says with ctxvarlint alone as the server: Emacs in batch
// mode visits a file with a bare go statement, gets the diagnostic in
// Flymake, applies the quick fix with eglot-code-actions and saves the file
// (testdata/eglot/fix.el); the test checks the saved file and that its
// module builds.
func TestEglot(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds ctxvarlint and runs Emacs")
	}
	emacs, err := exec.LookPath("emacs")
	if err != nil {
		t.Skip("emacs not found: install Debian's emacs-nox, elpa-eglot and elpa-go-mode packages (apt-get install emacs-nox elpa-eglot elpa-go-mode) to run this test")
	}
	packages, err := filepath.Abs("testdata/eglot/packages.el")
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/eglot/fix.el")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	home := filepath.Join(tmp, "emacs.d")
	env := append(testEnv(), "EGLOT_TEST_HOME="+home)

	probe := exec.Command(emacs, "--batch", "-Q", "-l", packages, "--eval", eglotProbe)
	probe.Env = env
	out, err := probe.CombinedOutput()
	if err != nil {
		t.Fatalf("emacs: %v\n%s", err, out)
	}
	versions := strings.TrimSpace(string(out))
	if i := strings.LastIndexByte(versions, '\n'); i >= 0 {
		versions = versions[i+1:]
	}
	t.Log(versions)
	if strings.Contains(versions, " none") {
		t.Skipf("%s: install Debian's elpa-eglot and elpa-go-mode packages (apt-get install elpa-eglot elpa-go-mode) to run this test", versions)
	}

	docs := "../../../../docs/editors.md"
	config := codeBlock(t, docs, "## Emacs (Eglot)", "elisp")
	if strings.Count(config, eglotRass) != 1 {
		t.Fatalf("the Eglot configuration in %s does not name the server program %s once:\n%s", docs, eglotRass, config)
	}
	if text, err := os.ReadFile(docs); err != nil || !strings.Contains(string(text), "`"+eglotAlone+"`") {
		t.Fatalf("%s does not give %s as the server program for ctxvarlint alone (%v)", docs, eglotAlone, err)
	}
	config = strings.Replace(config, eglotRass, eglotAlone, 1)
	initEl := filepath.Join(tmp, "init.el")
	if err := os.WriteFile(initEl, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	buildCtxvarlint(t, tmp)

	dir := copyModule(t, "testdata/mod")
	logFile := filepath.Join(tmp, "eglot.log")
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, emacs, "--batch", "-Q", "-l", packages, "-l", initEl, "-l", script)
	cmd.Dir = dir
	cmd.Env = append(env,
		"PATH="+tmp+string(os.PathListSeparator)+os.Getenv("PATH"),
		"EGLOT_TEST_FILE="+filepath.Join(dir, "b", "b.go"),
		"EGLOT_TEST_LOG="+logFile)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	out, err = cmd.CombinedOutput()
	log, _ := os.ReadFile(logFile)
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		t.Fatalf("emacs: %v\noutput:\n%s\nlog:\n%s", err, out, log)
	}
	t.Logf("emacs ran for %v; its output:\n%s\nlog:\n%s", time.Since(start).Round(time.Millisecond), out, log)
	checkFixed(t, dir, log)
}
