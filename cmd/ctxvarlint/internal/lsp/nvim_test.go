package lsp

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNeovim runs the server under a real editor, configured as
// docs/editors.md says for its version: headless Neovim opens a file with a
// bare go statement, gets the diagnostic, applies the quick fix and saves
// the file (testdata/nvim/fix.lua).
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
	config := luaBlock(t, "../../../../docs/editors.md", heading)

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "ctxvarlint")
	build := exec.Command("go", "build", "-o", bin, "github.com/ctxvar/ctxvar/cmd/ctxvarlint")
	build.Env = testEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building ctxvarlint: %v\n%s", err, out)
	}
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
	fixed, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fixed), `_ = "😀"; ctxvar.Spawn(report)`) || strings.Contains(string(fixed), "go report()") {
		t.Errorf("the saved file does not start the goroutine with ctxvar.Spawn:\n%s\nnvim log:\n%s", fixed, log)
	}
}

// luaBlock returns the first lua code block after the line of the markdown
// file that starts with heading.
func luaBlock(t *testing.T, file, heading string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "\n"+heading)
	if i < 0 {
		t.Fatalf("%s has no heading %q", file, heading)
	}
	text = text[i:]
	start := strings.Index(text, "\n```lua\n")
	if start < 0 {
		t.Fatalf("%s has no lua block after %q", file, heading)
	}
	text = text[start+len("\n```lua\n"):]
	end := strings.Index(text, "\n```\n")
	if end < 0 {
		t.Fatalf("%s: the lua block after %q does not end", file, heading)
	}
	return text[:end+1]
}
