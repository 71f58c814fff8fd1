package lsp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Len is the length of s in UTF-16 code units, counted apart from the
// server's own conversion.
func utf16Len(s string) uint32 { return uint32(len(utf16.Encode([]rune(s)))) }

// positionOf returns the LSP position of the first occurrence of substr in
// text.
func positionOf(t *testing.T, text, substr string) Position {
	t.Helper()
	i := strings.Index(text, substr)
	if i < 0 {
		t.Fatalf("%q not in the text", substr)
	}
	line := strings.Count(text[:i], "\n")
	start := strings.LastIndex(text[:i], "\n") + 1
	return Position{Line: uint32(line), Character: utf16Len(text[start:i])}
}

// applyEdits applies a WorkspaceEdit's edits of one document, last first.
func applyEdits(t *testing.T, text string, edits []TextEdit) string {
	t.Helper()
	slices.SortFunc(edits, func(a, b TextEdit) int {
		if before(a.Range.Start, b.Range.Start) {
			return 1
		}
		return -1
	})
	out := []byte(text)
	for _, e := range edits {
		var err error
		out, err = applyChange(out, TextDocumentContentChangeEvent{Range: &e.Range, Text: e.NewText})
		if err != nil {
			t.Fatal(err)
		}
	}
	return string(out)
}

func TestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the server lists and type-checks a module")
	}
	dir := copyModule(t, "testdata/mod")
	c := startServer(t, &Options{Env: testEnv(), Debounce: 10e6, Log: testLog{t}})

	// Requests before initialize are refused.
	if m := c.call("textDocument/codeAction", CodeActionParams{}); m.Error == nil || m.Error.Code != codeServerNotInitialized {
		t.Errorf("codeAction before initialize: got %+v, want error %d", m, codeServerNotInitialized)
	}
	params := InitializeParams{RootURI: fileURI(dir)}
	params.Capabilities.Workspace.DidChangeWatchedFiles.DynamicRegistration = true
	m := c.call("initialize", params)
	var init InitializeResult
	if m.Error != nil || json.Unmarshal(m.Result, &init) != nil {
		t.Fatalf("initialize: %s %v", m.Result, m.Error)
	}
	if !init.Capabilities.TextDocumentSync.OpenClose || !slices.Contains(init.Capabilities.CodeActionProvider.CodeActionKinds, "quickfix") {
		t.Errorf("initialize: capabilities %+v lack open/close sync or quick fixes", init.Capabilities)
	}
	c.notify("initialized", struct{}{})
	c.waitNote("client/registerCapability", func(params json.RawMessage) bool {
		return strings.Contains(string(params), `"workspace/didChangeWatchedFiles"`) && strings.Contains(string(params), `"**/*.go"`)
	})

	// A bare go statement after an emoji on its line.
	bFile := filepath.Join(dir, "b", "b.go")
	bURI := fileURI(bFile)
	data, err := os.ReadFile(bFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := string(data)
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: bURI, LanguageID: "go", Version: 1, Text: bad}})
	diags := c.waitDiagnostics(bURI, func(int) bool { return true })
	if len(diags) != 1 {
		t.Fatalf("diagnostics of b.go: got %d, want 1: %+v", len(diags), diags)
	}
	d := diags[0]
	start := positionOf(t, bad, "go report()")
	want := Range{Start: start, End: Position{Line: start.Line, Character: start.Character + utf16Len("go report()")}}
	if d.Range != want {
		t.Errorf("range: got %+v, want %+v (UTF-16 columns)", d.Range, want)
	}
	if d.Code != "barego" || d.Source != "ctxvarlint" || d.Severity != SeverityWarning ||
		d.CodeDescription == nil || !strings.HasSuffix(d.CodeDescription.Href, "/barego") ||
		!strings.Contains(d.Message, "ctxvar.Spawn") {
		t.Errorf("diagnostic: got %+v", d)
	}

	// The quick fix, asked for at the cursor on the statement.
	cursor := Range{Start: start, End: start}
	m = c.call("textDocument/codeAction", CodeActionParams{TextDocument: TextDocumentIdentifier{URI: bURI}, Range: cursor})
	var actions []CodeAction
	if m.Error != nil || json.Unmarshal(m.Result, &actions) != nil {
		t.Fatalf("codeAction: %s %v", m.Result, m.Error)
	}
	if len(actions) != 1 {
		t.Fatalf("code actions: got %d, want 1: %s", len(actions), m.Result)
	}
	a := actions[0]
	if a.Kind != "quickfix" || !strings.Contains(a.Title, "Spawn") || len(a.Diagnostics) != 1 || a.Diagnostics[0].Range != d.Range || a.Edit == nil {
		t.Fatalf("code action: got %s", m.Result)
	}
	fixed := applyEdits(t, bad, a.Edit.Changes[bURI])
	if !strings.Contains(fixed, `_ = "😀"; ctxvar.Spawn(report)`) || strings.Contains(fixed, "go report()") {
		t.Fatalf("the fix did not start the goroutine with ctxvar.Spawn:\n%s", fixed)
	}

	// The fixed buffer has no diagnostics.
	change := func(uri DocumentURI, version int32, text string) {
		c.notify("textDocument/didChange", DidChangeTextDocumentParams{
			TextDocument:   VersionedTextDocumentIdentifier{URI: uri, Version: version},
			ContentChanges: []TextDocumentContentChangeEvent{{Text: text}},
		})
	}
	change(bURI, 2, fixed)
	c.waitDiagnostics(bURI, func(n int) bool { return n == 0 })

	// Malformed input: the server answers or logs, and goes on.
	respNull := c.expectResponse("null")
	c.raw("Content-Length: 7\r\n\r\n{oops!}")
	if m := c.response(respNull, "malformed JSON"); m.Error == nil || m.Error.Code != codeParseError {
		t.Errorf("malformed JSON: got %+v, want a parse error", m)
	}
	c.raw("X-Nonsense: 1\r\n\r\n")
	c.waitLog("without Content-Length")
	if m := c.call("ctxvar/nonsense", nil); m.Error == nil || m.Error.Code != codeMethodNotFound {
		t.Errorf("unknown request: got %+v, want error %d", m, codeMethodNotFound)
	}
	c.notify("$/nonsense", map[string]int{"x": 1})

	// A file that does not parse, then the bad go statement again, by an
	// incremental change.
	change(bURI, 3, "package b\n\nfunc {")
	c.waitLog("has errors")
	c.notify("textDocument/didChange", DidChangeTextDocumentParams{
		TextDocument: VersionedTextDocumentIdentifier{URI: bURI, Version: 4},
		ContentChanges: []TextDocumentContentChangeEvent{
			{Text: fixed},
			{Range: &Range{Start: start, End: Position{Line: start.Line, Character: start.Character + utf16Len("ctxvar.Spawn(report)")}}, Text: "go report()"},
		},
	})
	if diags := c.waitDiagnostics(bURI, func(n int) bool { return n > 0 }); len(diags) != 1 || diags[0].Range != want {
		t.Errorf("after the incremental change: got %+v, want one diagnostic at %+v", diags, want)
	}

	// An edit of package a, which b imports, reaches b's diagnostics:
	// once Current no longer reads the Var, report does not either.
	aFile := filepath.Join(dir, "a", "a.go")
	aURI := fileURI(aFile)
	aText, err := os.ReadFile(aFile)
	if err != nil {
		t.Fatal(err)
	}
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: aURI, LanguageID: "go", Version: 1, Text: string(aText)}})
	change(aURI, 2, strings.Replace(string(aText), "return RequestID.Get()", `return "none"`, 1))
	c.waitDiagnostics(bURI, func(n int) bool { return n == 0 })
	change(aURI, 3, string(aText))
	c.waitDiagnostics(bURI, func(n int) bool { return n == 1 })

	// An edit that adds an import the package did not have: the server
	// lists the packages again to resolve it.
	cFile := filepath.Join(dir, "c", "c.go")
	cURI := fileURI(cFile)
	cText, err := os.ReadFile(cFile)
	if err != nil {
		t.Fatal(err)
	}
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: cURI, LanguageID: "go", Version: 1, Text: string(cText)}})
	c.waitDiagnostics(cURI, func(n int) bool { return n == 0 })
	change(cURI, 2, string(cText)+"\nfunc late() { go func() { _ = a.Current() }() }\n")
	change(cURI, 3, strings.Replace(string(cText), `import "example.com/lsptest/b"`,
		"import (\n\t\"example.com/lsptest/a\"\n\t\"example.com/lsptest/b\"\n)", 1)+
		"\nfunc late() { go func() { _ = a.Current() }() }\n")
	if diags := c.waitDiagnostics(cURI, func(n int) bool { return n > 0 }); len(diags) != 1 || diags[0].Code != "barego" {
		t.Errorf("c.go with the new import: got %+v, want one barego diagnostic", diags)
	}

	// A file outside the module.
	outside := filepath.Join(t.TempDir(), "x.go")
	os.WriteFile(outside, []byte("package x\n"), 0o644)
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: fileURI(outside), LanguageID: "go", Version: 1, Text: "package x\n"}})
	c.waitLog("outside the module")

	// A file of the module's tree that no package holds.
	unlisted := filepath.Join(dir, "testdata", "skip.go")
	os.MkdirAll(filepath.Dir(unlisted), 0o755)
	os.WriteFile(unlisted, []byte("package skip\n"), 0o644)
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: fileURI(unlisted), LanguageID: "go", Version: 1, Text: "package skip\n"}})
	c.waitLog("belongs to no package")

	// A new file with a finding, then deleted.
	extra := filepath.Join(dir, "c", "extra.go")
	extraText := "package c\n\nimport \"example.com/lsptest/a\"\n\nfunc bare() { go func() { _ = a.Current() }() }\n"
	if err := os.WriteFile(extra, []byte(extraText), 0o644); err != nil {
		t.Fatal(err)
	}
	extraURI := fileURI(extra)
	c.notify("workspace/didChangeWatchedFiles", DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: extraURI, Type: FileCreated}}})
	c.notify("textDocument/didOpen", DidOpenTextDocumentParams{TextDocument: TextDocumentItem{URI: extraURI, LanguageID: "go", Version: 1, Text: extraText}})
	if diags := c.waitDiagnostics(extraURI, func(int) bool { return true }); len(diags) != 1 || diags[0].Code != "barego" {
		t.Errorf("diagnostics of the new file: got %+v, want one of barego", diags)
	}
	if err := os.Remove(extra); err != nil {
		t.Fatal(err)
	}
	c.notify("workspace/didChangeWatchedFiles", DidChangeWatchedFilesParams{Changes: []FileEvent{{URI: extraURI, Type: FileDeleted}}})
	c.waitDiagnostics(extraURI, func(n int) bool { return n == 0 })

	// The server still works: b's fix is still offered.
	m = c.call("textDocument/codeAction", CodeActionParams{TextDocument: TextDocumentIdentifier{URI: bURI}, Range: cursor})
	if err := json.Unmarshal(m.Result, &actions); err != nil || len(actions) != 1 {
		t.Errorf("codeAction after the bad input: got %s %v, want one action", m.Result, m.Error)
	}

	// Closing a file clears its diagnostics.
	c.notify("textDocument/didClose", DidCloseTextDocumentParams{TextDocument: TextDocumentIdentifier{URI: bURI}})
	c.waitDiagnostics(bURI, func(n int) bool { return n == 0 })

	if m := c.call("shutdown", nil); m.Error != nil || string(m.Result) != "null" {
		t.Errorf("shutdown: got %s %v, want null", m.Result, m.Error)
	}
	c.notify("exit", nil)
	if err := <-c.served; err != nil {
		t.Errorf("Serve after shutdown and exit: %v, want nil", err)
	}
	c.served <- nil // for the cleanup
}

// TestExitWithoutShutdown checks the status the specification asks for
// when exit comes first.
func TestExitWithoutShutdown(t *testing.T) {
	c := startServer(t, &Options{Env: testEnv()})
	c.notify("exit", nil)
	if err := <-c.served; err != ErrNoShutdown {
		t.Errorf("Serve after exit without shutdown: %v, want ErrNoShutdown", err)
	}
	c.served <- nil
}
