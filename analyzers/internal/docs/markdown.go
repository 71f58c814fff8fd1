package docs

import (
	"bytes"
	"fmt"
	"go/doc/comment"
	"strings"
)

// Markdown renders an analyzer's documentation (as Extract returns it) as
// the page docs/analyzers/NAME.md: a title from the documentation's first
// line, the rest as Markdown, and where the text comes from.
func Markdown(name, doc, url string) []byte {
	title, body, _ := strings.Cut(doc, "\n")
	title = strings.TrimSpace(title)

	var p comment.Parser
	parsed := p.Parse(body)
	pr := comment.Printer{HeadingLevel: 2}

	var b bytes.Buffer
	fmt.Fprintf(&b, "<!-- Generated from analyzers/%s/doc.go by `go test ./analyzers -run TestDocs -update`; edit doc.go, not this file. -->\n\n", name)
	fmt.Fprintf(&b, "# %s: %s\n\n", name, title)
	b.Write(pr.Markdown(parsed))
	fmt.Fprintf(&b, "\nPackage documentation: <%s>\n", url)
	return b.Bytes()
}
