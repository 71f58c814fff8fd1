package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lspFrame returns a JSON-RPC message with its Content-Length header.
func lspFrame(t *testing.T, msg map[string]any) []byte {
	msg["jsonrpc"] = "2.0"
	body, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Appendf(nil, "Content-Length: %d\r\n\r\n%s", len(body), body)
}

// readFrame returns the next message of a Content-Length framed stream.
func readFrame(r *bufio.Reader) (map[string]any, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length:")))
	if err != nil {
		return nil, fmt.Errorf("bad header %q", line)
	}
	if _, err := r.ReadString('\n'); err != nil {
		return nil, err
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	var m map[string]any
	err = json.Unmarshal(body, &m)
	return m, err
}

// TestLSP runs ctxvarlint lsp as an editor does, on the demo module: it
// opens a file, asks for the quick fixes of the whole file, which the
// server gives once it has analyzed the file, and shuts the server down.
func TestLSP(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the command and type-checks the demo module")
	}
	dir := copyModule(t, "demo")
	file := filepath.Join(dir, "server", "server.go")
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	uri := (&url.URL{Scheme: "file", Path: filepath.ToSlash(file)}).String()

	cmd := exec.Command(ctxvarlint(t), "lsp")
	cmd.Env = goEnv()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Write(lspFrame(t, map[string]any{"id": 1, "method": "initialize", "params": map[string]any{
		"rootUri": (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String(),
	}}))
	stdin.Write(lspFrame(t, map[string]any{"method": "initialized", "params": map[string]any{}}))
	stdin.Write(lspFrame(t, map[string]any{"method": "textDocument/didOpen", "params": map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "go", "version": 1, "text": string(text)},
	}}))
	stdin.Write(lspFrame(t, map[string]any{"id": 2, "method": "codeAction", "params": map[string]any{}}))
	stdin.Write(lspFrame(t, map[string]any{"id": 3, "method": "textDocument/codeAction", "params": map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"range":        map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 999, "character": 0}},
		"context":      map[string]any{"diagnostics": []any{}},
	}}))

	var diags, actions []any
	var unknown map[string]any
	var seen bytes.Buffer
	r := bufio.NewReader(stdout)
	for actions == nil {
		m, err := readFrame(r)
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("reading the server's output: %v\nstderr:\n%s\nmessages:\n%s", err, stderr.Bytes(), seen.Bytes())
		}
		fmt.Fprintln(&seen, m)
		switch {
		case m["method"] == "textDocument/publishDiagnostics":
			params := m["params"].(map[string]any)
			if params["uri"] == uri {
				diags = params["diagnostics"].([]any)
			}
		case m["id"] == 2.0:
			unknown = m
		case m["id"] == 3.0:
			actions, _ = m["result"].([]any)
			if actions == nil {
				actions = []any{}
			}
		}
	}
	stdin.Write(lspFrame(t, map[string]any{"id": 4, "method": "shutdown"}))
	stdin.Write(lspFrame(t, map[string]any{"method": "exit"}))
	stdin.Close()
	io.Copy(io.Discard, r)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ctxvarlint lsp: %v\nstderr:\n%s", err, stderr.Bytes())
	}
	if len(diags) == 0 {
		t.Errorf("no diagnostics published for %s:\n%s", file, seen.Bytes())
	}
	for _, d := range diags {
		d := d.(map[string]any)
		if d["source"] != "ctxvarlint" || d["severity"] != 2.0 {
			t.Errorf("diagnostic %v: want source ctxvarlint, severity 2 (warning)", d)
		}
	}
	if len(actions) == 0 {
		t.Errorf("no quick fix for the whole file:\n%s", seen.Bytes())
	}
	if e, _ := unknown["error"].(map[string]any); e == nil || e["code"] != -32601.0 {
		t.Errorf("unknown method: got %v, want error -32601", unknown)
	}
}

// TestLSPExitWithoutShutdown checks the exit status the specification asks
// for when the client exits without shutting the server down.
func TestLSPExitWithoutShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the command")
	}
	cmd := exec.Command(ctxvarlint(t), "lsp")
	cmd.Env = goEnv()
	cmd.Stdin = bytes.NewReader(lspFrame(t, map[string]any{"method": "exit"}))
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("ctxvarlint lsp after exit without shutdown: %v, want exit status 1", err)
	}
}
