package lsp

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestNeovim runs the server under a real editor, configured as
// docs/editors.md says for its version: headless Neovim opens a file with a
// bare go statement, gets the diagnostic, applies the quick fix and saves
// the file (testdata/nvim/fix.lua); the test checks the saved file and
// that its module builds.
func TestNeovim(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds ctxvarlint and runs Neovim")
	}
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		t.Skip("nvim not found: install Debian's neovim package (apt-get install neovim) to run this test")
	}
	version, err := exec.Command(nvim, "--version").Output()
	if err != nil {
		t.Fatalf("nvim --version: %v", err)
	}
	first := string(bytes.SplitN(version, []byte("\n"), 2)[0])
	t.Log(first)
	var major, minor int
	if _, err := fmt.Sscanf(first, "NVIM v%d.%d", &major, &minor); err != nil {
		t.Fatalf("cannot read the version in %q: %v", first, err)
	}
	var heading string
	switch {
	case major == 0 && minor < 7:
		t.Skipf("%s is older than 0.7, the oldest Neovim docs/editors.md configures", first)
	case major == 0 && minor == 7:
		heading = "### Neovim 0.7"
	case major == 0 && minor < 11:
		heading = "### Neovim 0.8 to 0.10"
	default:
		heading = "### Neovim 0.11 and later"
	}
	config := codeBlock(t, "../../../../docs/editors.md", heading, "lua")

	tmp := t.TempDir()
	buildCtxvarlint(t, tmp)
	script, err := filepath.Abs("testdata/nvim/fix.lua")
	if err != nil {
		t.Fatal(err)
	}

	initLua := filepath.Join(tmp, "init.lua")
	if err := os.WriteFile(initLua, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}

	dir := copyModule(t, "testdata/mod")
	file := filepath.Join(dir, "b", "b.go")
	logFile := filepath.Join(tmp, "nvim.log")

	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "--clean", "-u", initLua, "-n", file, "-c", "luafile "+script)
	cmd.Dir = dir
	cmd.Env = append(testEnv(), "PATH="+tmp+string(os.PathListSeparator)+os.Getenv("PATH"), "NVIM_TEST_LOG="+logFile)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	log, _ := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("nvim: %v\noutput:\n%s\nlog:\n%s", err, out, log)
	}
	t.Logf("nvim log:\n%s", log)
	checkFixed(t, dir, log)
}
