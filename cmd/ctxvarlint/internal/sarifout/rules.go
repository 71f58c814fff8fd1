package sarifout

import (
	"go/doc/comment"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"golang.org/x/tools/go/analysis"
)

// rule returns the rule that describes analyzer a. An analyzer's Doc is a
// title line, then paragraphs in doc comment syntax, which help.markdown
// renders for viewers that show Markdown.
func rule(a *analysis.Analyzer) *sarif.ReportingDescriptor {
	r := sarif.NewRule(a.Name).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(firstSentence(a.Doc))).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(a.Doc)).
		WithHelp(sarif.NewMultiformatMessageString().WithText(a.Doc).WithMarkdown(markdown(a.Doc))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarif.LevelWarning))
	if a.URL != "" {
		r.WithHelpURI(a.URL)
	}
	return r
}

// firstSentence returns the first sentence of doc's first paragraph, or the
// whole paragraph, such as a title, if it has no sentence end.
func firstSentence(doc string) string {
	para, _, _ := strings.Cut(strings.TrimSpace(doc), "\n\n")
	para = strings.Join(strings.Fields(para), " ")
	if i := strings.Index(para, ". "); i >= 0 {
		return para[:i+1]
	}
	return para
}

// markdown renders doc, in doc comment syntax, as Markdown.
func markdown(doc string) string {
	var p comment.Parser
	var pr comment.Printer
	return strings.TrimSpace(string(pr.Markdown(p.Parse(doc))))
}
