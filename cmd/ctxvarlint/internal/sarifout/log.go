// Package sarifout turns the outcome of a run of go/analysis analyzers into
// a SARIF 2.1.0 log, in the form GitHub code scanning accepts: one run whose
// driver has a rule per analyzer, a result per diagnostic, with its related
// locations and suggested fixes, and the errors of the run as tool execution
// notifications.
//
// File locations are relative to a root directory, normally the root of the
// main module, under the uriBaseId %SRCROOT%; the log maps %SRCROOT% to the
// root's absolute file URI. Columns count UTF-16 code units, as the run's
// columnKind says, because that is what GitHub and most SARIF viewers
// assume; go/token columns count bytes.
package sarifout

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// SrcRoot is the uriBaseId of the locations under the root directory.
const SrcRoot = "%SRCROOT%"

// A Tool describes the analysis tool, the run's driver.
type Tool struct {
	Name           string
	Version        string // empty if unknown
	InformationURI string
}

// A Log accumulates the results and errors of a run. Its zero value is not
// usable; call New.
type Log struct {
	tool      Tool
	analyzers []*analysis.Analyzer
	root      string
	files     *fileCache
	artifacts *artifacts // those of the report being built

	results       []*result
	seen          map[resultKey]bool
	notifications []notification
	seenNotes     map[notification]bool
}

// New returns an empty Log for a run of the given analyzers, which become
// the rules of the log in this order, with locations relative to the
// absolute directory root.
func New(tool Tool, analyzers []*analysis.Analyzer, root string) *Log {
	return &Log{
		tool:      tool,
		analyzers: analyzers,
		root:      root,
		files:     newFileCache(),
		seen:      make(map[resultKey]bool),
		seenNotes: make(map[notification]bool),
	}
}

// Results returns the number of results added so far, after removing
// duplicates.
func (l *Log) Results() int { return len(l.results) }

// Errors returns the number of distinct errors added so far.
func (l *Log) Errors() int { return len(l.notifications) }

// AddGraph adds the diagnostics of the root actions of g as results and
// the errors of all its actions as notifications. A diagnostic reported
// twice, as happens in a file that belongs both to a package and to its
// test variant, becomes one result.
func (l *Log) AddGraph(g *checker.Graph) {
	for act := range g.All() {
		if act.Err != nil {
			l.addNotification(notification{
				rule:    act.Analyzer.Name,
				message: fmt.Sprintf("%s: %s: %v", act.Analyzer.Name, act.Package.ID, act.Err),
			})
			continue
		}
		if !act.IsRoot {
			continue
		}
		for _, d := range act.Diagnostics {
			l.addDiagnostic(act.Analyzer, act.Package.Fset, d)
		}
	}
}

// AddPackageErrors adds the errors of pkgs and of their dependencies, those
// that packages.PrintErrors prints, as notifications.
func (l *Log) AddPackageErrors(pkgs []*packages.Package) {
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, err := range p.Errors {
			l.addNotification(notification{posn: err.Pos, message: err.Msg})
		}
		if p.Module != nil && p.Module.Error != nil {
			l.addNotification(notification{message: p.Module.Error.Err})
		}
	})
}

// AddError adds an error that is not tied to a package, such as a failure
// to load the packages at all.
func (l *Log) AddError(err error) {
	l.addNotification(notification{message: err.Error()})
}

// Report returns the log as a SARIF report. The run's invocation records
// whether the run succeeded, that is whether no error was added, and the
// exit code of the command.
func (l *Log) Report(exitCode int) *sarif.Report {
	driver := sarif.NewToolComponent().
		WithName(l.tool.Name).
		WithInformationURI(l.tool.InformationURI)
	if l.tool.Version != "" {
		driver.WithVersion(l.tool.Version)
	}
	for _, a := range l.analyzers {
		driver.AddRule(rule(a))
	}

	run := sarif.NewRun().
		WithTool(sarif.NewTool().WithDriver(driver)).
		WithColumnKind("utf16CodeUnits").
		WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{
			SrcRoot: *sarif.NewArtifactLocation().WithURI(dirURI(l.root)),
		})

	slices.SortFunc(l.results, compareResults)
	l.artifacts = new(artifacts)
	for _, r := range l.results {
		run.AddResult(l.sarifResult(r))
	}

	inv := sarif.NewInvocation().
		WithExecutionSuccessful(len(l.notifications) == 0).
		WithExitCode(exitCode)
	slices.SortFunc(l.notifications, func(a, b notification) int {
		return cmp.Or(strings.Compare(a.posn, b.posn), strings.Compare(a.message, b.message))
	})
	for _, n := range l.notifications {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, l.sarifNotification(n))
	}
	run.AddInvocation(inv)
	run.WithArtifacts(l.artifacts.list)

	return sarif.NewReport().AddRun(run)
}

// Write writes the log as indented JSON, ending with a newline.
func (l *Log) Write(w io.Writer, exitCode int) error {
	if err := l.Report(exitCode).PrettyWrite(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// ruleIndex returns the index of the rule of analyzer a, or -1 if it has
// none, as for a prerequisite of the analyzers.
func (l *Log) ruleIndex(a string) int {
	return slices.IndexFunc(l.analyzers, func(b *analysis.Analyzer) bool { return b.Name == a })
}
