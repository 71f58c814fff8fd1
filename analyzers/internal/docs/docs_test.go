package docs

import (
	"strings"
	"testing"
)

const sample = `// Package demo defines an Analyzer that demonstrates.
//
// # Analyzer demo
//
// demo: report demonstrations
//
// The demo analyzer reports things.
//
//	bad()
//
// # Other
//
// Not part of it.
package demo
`

func TestExtract(t *testing.T) {
	doc, err := Extract(sample, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc, "report demonstrations\n") {
		t.Errorf("doc does not start with the title: %q", doc)
	}
	if !strings.Contains(doc, "\tbad()") {
		t.Errorf("doc lost the code block: %q", doc)
	}
	if strings.Contains(doc, "Not part of it") {
		t.Errorf("doc runs past the next heading: %q", doc)
	}
}

func TestExtractErrors(t *testing.T) {
	for _, tc := range []struct{ src, name, want string }{
		{sample, "other", `no "# Analyzer other" heading`},
		{"package demo\n", "demo", "no package comment"},
		{"// Package demo.\n//\n// # Analyzer demo\n//\n// Untitled.\npackage demo\n", "demo", "must start with"},
		{"// Package demo.\npackage", "demo", "expected"},
	} {
		_, err := Extract(tc.src, tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Extract(%q) error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	doc, err := Extract(sample, "demo")
	if err != nil {
		t.Fatal(err)
	}
	md := string(Markdown("demo", doc, "https://example.com/demo"))
	for _, want := range []string{
		"# demo: report demonstrations\n",
		"The demo analyzer reports things.",
		"\tbad()\n",
		"<https://example.com/demo>",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown output lacks %q:\n%s", want, md)
		}
	}
}
