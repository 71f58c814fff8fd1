package sarifout

import (
	"bytes"
	"os"
	"unicode/utf16"
	"unicode/utf8"
)

// A fileCache holds the lines of the files that locations point into, to
// convert go/token's byte columns into UTF-16 columns.
type fileCache struct {
	lines map[string][][]byte // nil for a file that could not be read
}

func newFileCache() *fileCache {
	return &fileCache{lines: make(map[string][][]byte)}
}

// column returns the 1-based UTF-16 column of the 1-based byte column col
// of line in file. If the file cannot be read or does not have such a
// line, it returns col unchanged: a column that is off for a line with
// non-ASCII text is better than no location.
func (c *fileCache) column(file string, line, col int) int {
	lines, ok := c.lines[file]
	if !ok {
		if data, err := os.ReadFile(file); err == nil {
			lines = bytes.SplitAfter(data, []byte("\n"))
		}
		c.lines[file] = lines
	}
	if line < 1 || line > len(lines) || col < 1 {
		return col
	}
	text := lines[line-1]
	n := min(col-1, len(text))
	units := 1
	for prefix := text[:n]; len(prefix) > 0; {
		r, size := utf8.DecodeRune(prefix)
		prefix = prefix[size:]
		if utf16.RuneLen(r) == 2 {
			units += 2
		} else {
			// An invalid byte counts as the replacement character that
			// an editor shows for it.
			units++
		}
	}
	// A column past the end of the line counts the missing bytes one each.
	return units + (col - 1 - n)
}
