package sarifout

import (
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// artifactLocation returns the location of file: a URI relative to the
// root directory under the base %SRCROOT% when file lies under it, which
// lets a consumer such as GitHub place it in the repository, and an
// absolute file URI otherwise.
func (l *Log) artifactLocation(file string) *sarif.ArtifactLocation {
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	if rel, err := filepath.Rel(l.root, file); err == nil && filepath.IsAbs(file) && filepath.IsLocal(rel) {
		// A relative reference whose first segment has a colon would parse
		// as a scheme: URL.String prefixes such a path with ./.
		return sarif.NewArtifactLocation().
			WithURI((&url.URL{Path: filepath.ToSlash(rel)}).String()).
			WithURIBaseID(SrcRoot)
	}
	return sarif.NewArtifactLocation().WithURI(fileURI(file))
}

// fileURI returns the file URI of the absolute path name.
func fileURI(name string) string {
	p := filepath.ToSlash(name)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// dirURI returns the file URI of directory dir, which ends with a slash as
// SARIF requires of a base URI.
func dirURI(dir string) string {
	u := fileURI(dir)
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}
