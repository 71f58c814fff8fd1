package lsp

import (
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A mapper converts between byte offsets in a file's contents and LSP
// Positions, whose characters count UTF-16 code units.
type mapper struct {
	content    []byte
	lineStarts []int // byte offset of the start of each line
}

func newMapper(content []byte) *mapper {
	m := &mapper{content: content, lineStarts: []int{0}}
	for i, b := range content {
		if b == '\n' {
			m.lineStarts = append(m.lineStarts, i+1)
		}
	}
	return m
}

// position returns the Position of byte offset off, which must be within
// [0, len(content)].
func (m *mapper) position(off int) Position {
	off = max(0, min(off, len(m.content)))
	line := sort.SearchInts(m.lineStarts, off+1) - 1
	col := 0
	for _, r := range string(m.content[m.lineStarts[line]:off]) {
		col += utf16.RuneLen(r) // an invalid byte decodes as U+FFFD, one unit
	}
	return Position{Line: uint32(line), Character: uint32(col)}
}

// offset returns the byte offset of p. A character beyond the end of its
// line means the end of the line, as the specification asks; a line beyond
// the end of the file is an error.
func (m *mapper) offset(p Position) (int, error) {
	if int(p.Line) >= len(m.lineStarts) {
		if int(p.Line) == len(m.lineStarts) && p.Character == 0 {
			return len(m.content), nil
		}
		return 0, fmt.Errorf("line %d is beyond the end of the file (%d lines)", p.Line+1, len(m.lineStarts))
	}
	start := m.lineStarts[int(p.Line)]
	end := len(m.content)
	if int(p.Line)+1 < len(m.lineStarts) {
		end = m.lineStarts[p.Line+1] - 1 // the newline
	}
	col := 0
	off := start
	for off < end && col < int(p.Character) {
		r, size := utf8.DecodeRune(m.content[off:end])
		n := utf16.RuneLen(r)
		if r == utf8.RuneError || n < 0 {
			n = 1
		}
		if col+n > int(p.Character) {
			break // inside a surrogate pair: round down
		}
		col += n
		off += size
	}
	return off, nil
}

// rangeOf returns the Range of the byte offsets [start, end).
func (m *mapper) rangeOf(start, end int) Range {
	return Range{Start: m.position(start), End: m.position(end)}
}

// applyChange applies one content change to text.
func applyChange(text []byte, ch TextDocumentContentChangeEvent) ([]byte, error) {
	if ch.Range == nil {
		return []byte(ch.Text), nil
	}
	m := newMapper(text)
	start, err := m.offset(ch.Range.Start)
	if err != nil {
		return nil, err
	}
	end, err := m.offset(ch.Range.End)
	if err != nil {
		return nil, err
	}
	if end < start {
		return nil, fmt.Errorf("change range ends before it starts")
	}
	out := make([]byte, 0, len(text)-(end-start)+len(ch.Text))
	out = append(out, text[:start]...)
	out = append(out, ch.Text...)
	out = append(out, text[end:]...)
	return out, nil
}

// filename returns the file name a file: URI denotes.
func filename(uri DocumentURI) (string, error) {
	u, err := url.Parse(string(uri))
	if err != nil {
		return "", fmt.Errorf("invalid URI %q: %v", uri, err)
	}
	if u.Scheme != "file" {
		return "", fmt.Errorf("URI %q is not a file: URI", uri)
	}
	path := u.Path
	if runtime.GOOS == "windows" {
		path = strings.TrimPrefix(path, "/") // file:///C:/x
	}
	if path == "" {
		return "", fmt.Errorf("URI %q has no path", uri)
	}
	return filepath.Clean(filepath.FromSlash(path)), nil
}

// fileURI returns the file: URI of an absolute file name.
func fileURI(name string) DocumentURI {
	path := filepath.ToSlash(name)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path // C:/x
	}
	u := url.URL{Scheme: "file", Path: path}
	return DocumentURI(u.String())
}
