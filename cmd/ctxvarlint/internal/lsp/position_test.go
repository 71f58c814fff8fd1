package lsp

import (
	"testing"
)

func TestMapper(t *testing.T) {
	// 😀 is two UTF-16 units and four bytes; é is one unit and two bytes.
	text := "ab\n\té😀x\n\nlast"
	m := newMapper([]byte(text))
	for _, tc := range []struct {
		off  int
		want Position
	}{
		{0, Position{0, 0}},
		{2, Position{0, 2}}, // the newline
		{3, Position{1, 0}},
		{4, Position{1, 1}},  // é
		{6, Position{1, 2}},  // 😀
		{10, Position{1, 4}}, // x
		{11, Position{1, 5}}, // the newline
		{12, Position{2, 0}},
		{13, Position{3, 0}},
		{17, Position{3, 4}}, // the end
	} {
		if got := m.position(tc.off); got != tc.want {
			t.Errorf("position(%d) = %v, want %v", tc.off, got, tc.want)
		}
		if got, err := m.offset(tc.want); err != nil || got != tc.off {
			t.Errorf("offset(%v) = %d, %v, want %d", tc.want, got, err, tc.off)
		}
	}
	// Inside the surrogate pair rounds down; beyond the end of a line
	// means its end.
	if got, _ := m.offset(Position{1, 3}); got != 6 {
		t.Errorf("offset inside a surrogate pair = %d, want 6", got)
	}
	if got, _ := m.offset(Position{0, 99}); got != 2 {
		t.Errorf("offset beyond the end of line 0 = %d, want 2", got)
	}
	if _, err := m.offset(Position{9, 0}); err == nil {
		t.Errorf("offset beyond the last line: no error")
	}
}

func TestApplyChange(t *testing.T) {
	text := []byte("x := \"😀\"; go f()\n")
	r := Range{Start: Position{0, 11}, End: Position{0, 17}}
	got, err := applyChange(text, TextDocumentContentChangeEvent{Range: &r, Text: "ctxvar.Spawn(f)"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "x := \"😀\"; ctxvar.Spawn(f)\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	bad := Range{Start: Position{0, 5}, End: Position{0, 1}}
	if _, err := applyChange(text, TextDocumentContentChangeEvent{Range: &bad}); err == nil {
		t.Error("a range that ends before it starts: no error")
	}
}

func TestURIs(t *testing.T) {
	for _, name := range []string{"/tmp/a b/c.go", "/tmp/ü/x+y.go"} {
		uri := fileURI(name)
		got, err := filename(uri)
		if err != nil || got != name {
			t.Errorf("filename(fileURI(%q)) = %q, %v (URI %s)", name, got, err, uri)
		}
	}
	for _, uri := range []DocumentURI{"untitled:Untitled-1", "file://", "%%"} {
		if _, err := filename(uri); err == nil {
			t.Errorf("filename(%q): no error", uri)
		}
	}
}
