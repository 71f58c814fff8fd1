package sarifout

import (
	"os"
	"path/filepath"
	"testing"
)

func TestColumn(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.go")
	// é is 2 bytes and 1 UTF-16 unit, 世 3 bytes and 1 unit, 😀 4 bytes
	// and 2 units (a surrogate pair), \xff an invalid byte shown as 1.
	content := "package x\n\n/* é世😀\xff */ var x = 1\n"
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newFileCache()
	for _, test := range []struct{ line, col, want int }{
		{1, 1, 1},
		{1, 9, 9},
		{3, 1, 1},
		{3, 4, 4},   // é
		{3, 6, 5},   // 世
		{3, 9, 6},   // 😀
		{3, 13, 8},  // \xff
		{3, 14, 9},  // the space after it
		{3, 18, 13}, // var
		{3, 28, 23}, // past the end of the line
		{9, 5, 5},   // no such line
	} {
		if got := c.column(file, test.line, test.col); got != test.want {
			t.Errorf("column(%d, %d) = %d, want %d", test.line, test.col, got, test.want)
		}
	}
	if got := c.column(filepath.Join(t.TempDir(), "missing.go"), 1, 7); got != 7 {
		t.Errorf("column in a missing file = %d, want the byte column 7", got)
	}
}
