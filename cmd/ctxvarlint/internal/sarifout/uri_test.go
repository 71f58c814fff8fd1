package sarifout

import (
	"path/filepath"
	"testing"
)

func TestArtifactLocation(t *testing.T) {
	root := filepath.Join(t.TempDir(), "my module")
	l := New(Tool{}, nil, root)
	for _, test := range []struct{ file, uri, base string }{
		{filepath.Join(root, "a", "b.go"), "a/b.go", SrcRoot},
		{filepath.Join(root, "c d.go"), "c%20d.go", SrcRoot},
		{filepath.Join(root, "x:y.go"), "./x:y.go", SrcRoot},
		{filepath.Join(filepath.Dir(root), "other.go"), fileURI(filepath.Join(filepath.Dir(root), "other.go")), ""},
	} {
		loc := l.artifactLocation(test.file)
		base := ""
		if loc.URIBaseID != nil {
			base = *loc.URIBaseID
		}
		if *loc.URI != test.uri || base != test.base {
			t.Errorf("artifactLocation(%q) = %q under %q, want %q under %q", test.file, *loc.URI, base, test.uri, test.base)
		}
	}
	if got := dirURI("/src/mod"); got != "file:///src/mod/" {
		t.Errorf("dirURI = %q, want file:///src/mod/", got)
	}
}
