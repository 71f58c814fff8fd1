// Package docs extracts an analyzer's documentation from its doc.go, so that
// the Doc shown by `ctxvarlint help NAME`, the package documentation and the
// pages under docs/analyzers are one text.
//
// The documentation of analyzer NAME is the part of the package comment that
// follows a line "# Analyzer NAME", up to the next "# " heading or the end.
// Its first line is the analyzer's title, "NAME: what it reports"; as in
// x/tools' own analyzers, the "NAME:" prefix is dropped from the result,
// since drivers print the name themselves.
package docs

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Extract returns the documentation of analyzer name from the source of a
// doc.go file.
func Extract(src, name string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", src, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		return "", err
	}
	if f.Doc == nil {
		return "", fmt.Errorf("doc.go has no package comment")
	}
	return extractFromComment(f.Doc, name)
}

func extractFromComment(doc *ast.CommentGroup, name string) (string, error) {
	text := doc.Text()
	heading := "# Analyzer " + name
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if strings.TrimSpace(line) != heading {
			continue
		}
		body := lines[i+1:]
		for j, l := range body {
			if strings.HasPrefix(l, "# ") {
				body = body[:j]
				break
			}
		}
		out := strings.TrimSpace(strings.Join(body, "\n"))
		if !strings.HasPrefix(out, name+":") {
			return "", fmt.Errorf("the documentation of analyzer %s must start with %q", name, name+": ")
		}
		return strings.TrimSpace(strings.TrimPrefix(out, name+":")), nil
	}
	return "", fmt.Errorf("package comment has no %q heading", heading)
}

// MustExtract is Extract for package initialization: it panics on a
// malformed doc.go, which the analyzer's tests catch at once.
func MustExtract(src, name string) string {
	doc, err := Extract(src, name)
	if err != nil {
		panic(fmt.Sprintf("analyzer %s: %v", name, err))
	}
	return doc
}
