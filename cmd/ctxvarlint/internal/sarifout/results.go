package sarifout

import (
	"cmp"
	"go/token"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"golang.org/x/tools/go/analysis"
)

// A span is a region of a file, with SARIF's 1-based lines and UTF-16
// columns. startCol is zero when only the line is known; endLine and endCol
// are zero when the region has no known end, which SARIF reads as the rest
// of the start line.
type span struct {
	file                string
	startLine, startCol int
	endLine, endCol     int
}

func compareSpans(a, b span) int {
	return cmp.Or(strings.Compare(a.file, b.file),
		cmp.Compare(a.startLine, b.startLine), cmp.Compare(a.startCol, b.startCol),
		cmp.Compare(a.endLine, b.endLine), cmp.Compare(a.endCol, b.endCol))
}

// A result is a diagnostic with its positions converted.
type result struct {
	rule    string
	message string
	at      span
	hasAt   bool
	related []relatedLocation
	fixes   []fix
}

type relatedLocation struct {
	at      span
	message string
}

type fix struct {
	message string
	changes []artifactChange // one for each file, in the order of the edits
}

type artifactChange struct {
	file  string
	edits []replacement
}

type replacement struct {
	deleted span
	text    string
}

// A resultKey identifies the results that are the same diagnostic.
type resultKey struct {
	rule    string
	at      span
	message string
}

func compareResults(a, b *result) int {
	return cmp.Or(compareSpans(a.at, b.at), strings.Compare(a.rule, b.rule), strings.Compare(a.message, b.message))
}

// addDiagnostic adds d, a diagnostic of analyzer a, unless a diagnostic
// with the same analyzer, region and message was added before.
func (l *Log) addDiagnostic(a *analysis.Analyzer, fset *token.FileSet, d analysis.Diagnostic) {
	r := &result{rule: a.Name, message: d.Message}
	r.at, r.hasAt = l.span(fset, d.Pos, d.End)
	key := resultKey{r.rule, r.at, r.message}
	if l.seen[key] {
		return
	}
	l.seen[key] = true
	for _, rel := range d.Related {
		if at, ok := l.span(fset, rel.Pos, rel.End); ok {
			r.related = append(r.related, relatedLocation{at, rel.Message})
		}
	}
	for _, sf := range d.SuggestedFixes {
		f := fix{message: sf.Message}
		for _, e := range sf.TextEdits {
			end := e.End
			if !end.IsValid() {
				end = e.Pos // an insertion
			}
			deleted, ok := l.span(fset, e.Pos, end)
			if !ok {
				continue
			}
			i := len(f.changes) - 1
			for i >= 0 && f.changes[i].file != deleted.file {
				i--
			}
			if i < 0 {
				f.changes = append(f.changes, artifactChange{file: deleted.file})
				i = len(f.changes) - 1
			}
			f.changes[i].edits = append(f.changes[i].edits, replacement{deleted, string(e.NewText)})
		}
		if len(f.changes) > 0 {
			r.fixes = append(r.fixes, f)
		}
	}
	l.results = append(l.results, r)
}

// span converts the positions pos and end (which may be token.NoPos) of
// fset. It uses the positions in the files as they are on disk, ignoring
// //line directives, because that is where a SARIF viewer looks.
func (l *Log) span(fset *token.FileSet, pos, end token.Pos) (span, bool) {
	if !pos.IsValid() {
		return span{}, false
	}
	p := fset.PositionFor(pos, false)
	if p.Filename == "" || p.Line < 1 {
		return span{}, false
	}
	s := span{file: p.Filename, startLine: p.Line, startCol: l.files.column(p.Filename, p.Line, max(p.Column, 1))}
	if end.IsValid() && end >= pos {
		e := fset.PositionFor(end, false)
		if e.Filename == p.Filename && e.Line >= 1 {
			s.endLine, s.endCol = e.Line, l.files.column(e.Filename, e.Line, max(e.Column, 1))
		}
	}
	return s, true
}

// sarifResult converts r.
func (l *Log) sarifResult(r *result) *sarif.Result {
	res := sarif.NewRuleResult(r.rule).
		WithRuleIndex(l.ruleIndex(r.rule)).
		WithLevel(sarif.LevelWarning).
		WithMessage(sarif.NewTextMessage(r.message))
	if r.hasAt {
		res.AddLocation(l.location(r.at))
	}
	for i, rel := range r.related {
		loc := l.location(rel.at).WithID(i + 1)
		if rel.message != "" {
			loc.WithMessage(sarif.NewTextMessage(rel.message))
		}
		res.AddRelatedLocation(loc)
	}
	for _, f := range r.fixes {
		sf := sarif.NewFix()
		if f.message != "" {
			sf.WithDescription(sarif.NewTextMessage(f.message))
		}
		for _, c := range f.changes {
			ac := sarif.NewArtifactChange().WithArtifactLocation(l.artifacts.location(c.file, l.artifactLocation))
			for _, e := range c.edits {
				rep := sarif.NewReplacement().WithDeletedRegion(region(e.deleted))
				if e.text != "" {
					rep.WithInsertedContent(sarif.NewArtifactContent().WithText(e.text))
				}
				ac.AddReplacement(rep)
			}
			sf.AddArtifactChange(ac)
		}
		res.AddFixe(sf)
	}
	return res
}

// location returns the SARIF location of s.
func (l *Log) location(s span) *sarif.Location {
	return sarif.NewLocation().WithPhysicalLocation(
		sarif.NewPhysicalLocation().
			WithArtifactLocation(l.artifacts.location(s.file, l.artifactLocation)).
			WithRegion(region(s)))
}

func region(s span) *sarif.Region {
	r := sarif.NewRegion().WithStartLine(s.startLine)
	if s.startCol > 0 {
		r.WithStartColumn(s.startCol)
	}
	if s.endLine > 0 {
		r.WithEndLine(s.endLine).WithEndColumn(s.endCol)
	}
	return r
}
