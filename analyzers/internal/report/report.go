// Package report delivers the ctxvarlint analyzers' diagnostics, leaving out
// those in generated files and those a //lint:ignore directive suppresses.
//
// The directives follow staticcheck's convention:
//
//	//lint:ignore barego the callback runs on this goroutine; see Pool.Do
//	go worker()
//
//	//lint:file-ignore losttoken this file builds Contexts for tests
//
// A //lint:ignore directive suppresses the named analyzers' diagnostics on its
// own line and, when the comment stands on a line of its own, on the line
// that follows it. A //lint:file-ignore directive suppresses them in the whole
// file. Several analyzers are separated by commas. The reason is required: a
// directive without one suppresses nothing.
//
// Directives are parsed lazily, the first time a file has a diagnostic to
// report, so files without diagnostics cost nothing.
package report

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A Reporter reports the diagnostics of one pass.
type Reporter struct {
	pass  *analysis.Pass
	files map[*token.File]*fileDirectives
}

// New returns a Reporter for pass.
func New(pass *analysis.Pass) *Reporter {
	return &Reporter{pass: pass, files: make(map[*token.File]*fileDirectives)}
}

type fileDirectives struct {
	generated  bool
	wholeFile  bool
	ignoreLine map[int]bool // lines whose diagnostics are suppressed
}

// Report reports d unless it lies in a generated file or a directive for the
// pass's analyzer suppresses it.
func (r *Reporter) Report(d analysis.Diagnostic) {
	if r.Suppressed(d.Pos) {
		return
	}
	r.pass.Report(d)
}

// Suppressed reports whether a diagnostic at pos would be left out.
func (r *Reporter) Suppressed(pos token.Pos) bool {
	tf := r.pass.Fset.File(pos)
	if tf == nil {
		return false
	}
	fd, ok := r.files[tf]
	if !ok {
		fd = r.parse(tf)
		r.files[tf] = fd
	}
	if fd == nil {
		return false
	}
	return fd.generated || fd.wholeFile || fd.ignoreLine[tf.Line(pos)]
}

func (r *Reporter) parse(tf *token.File) *fileDirectives {
	var file *ast.File
	for _, f := range r.pass.Files {
		if r.pass.Fset.File(f.FileStart) == tf {
			file = f
			break
		}
	}
	if file == nil {
		return nil
	}
	fd := &fileDirectives{generated: ast.IsGenerated(file), ignoreLine: make(map[int]bool)}
	name := r.pass.Analyzer.Name
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			kind, names, ok := parseDirective(c.Text)
			if !ok || !slices.Contains(names, name) {
				continue
			}
			switch kind {
			case "file-ignore":
				fd.wholeFile = true
			case "ignore":
				line := tf.Line(c.Slash)
				fd.ignoreLine[line] = true
				if r.ownLine(tf, c) {
					fd.ignoreLine[line+1] = true
				}
			}
		}
	}
	return fd
}

// parseDirective parses "//lint:ignore a,b reason" into ("ignore", [a b]).
// It fails for other comments and for directives without a reason.
func parseDirective(text string) (kind string, names []string, ok bool) {
	rest, found := strings.CutPrefix(text, "//lint:")
	if !found {
		return "", nil, false
	}
	fields := strings.Fields(rest)
	if len(fields) < 3 || (fields[0] != "ignore" && fields[0] != "file-ignore") {
		return "", nil, false
	}
	return fields[0], strings.Split(fields[1], ","), true
}

// ownLine reports whether comment c is the first thing on its line. When
// the source cannot be read it says no, so the directive covers its own line
// only.
func (r *Reporter) ownLine(tf *token.File, c *ast.Comment) bool {
	src, err := r.pass.ReadFile(tf.Name())
	if err != nil {
		return false
	}
	start := tf.Offset(tf.LineStart(tf.Line(c.Slash)))
	end := tf.Offset(c.Slash)
	if end > len(src) || start > end {
		return false
	}
	return strings.TrimSpace(string(src[start:end])) == ""
}
