package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/ctxvar/ctxvar/cmd/ctxvarlint/internal/sarifout"
)

// exitIfSARIF runs the command and exits if its command line has a -sarif
// flag, and returns otherwise.
func exitIfSARIF(all []*analysis.Analyzer) {
	if status, ok := runSARIF(os.Args[1:], all); ok {
		os.Exit(status)
	}
}

// runSARIF runs the command with a -sarif flag and returns its exit status,
// or ok=false if args, the command line without the program name, has no
// -sarif flag. The analysis is that of multichecker, which cannot write
// SARIF: go/packages loads the packages, with the syntax of all their
// dependencies since the analyzers use facts, and checker.Analyze runs the
// analyzers on them.
func runSARIF(args []string, all []*analysis.Analyzer) (status int, ok bool) {
	cfg, err := parseSARIFFlags(args, all, os.Stderr)
	switch {
	case errors.Is(err, errNoSARIF):
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		return 0, true
	case err != nil:
		return 2, true // as for a bad flag without -sarif
	}
	log := analyzeToSARIF(cfg, os.Stderr)
	status = 0
	switch {
	case log.Errors() > 0:
		status = 1
	case log.Results() > 0:
		status = 3
	}
	if err := writeSARIF(cfg.output, log, status); err != nil {
		fmt.Fprintf(os.Stderr, "ctxvarlint: %v\n", err)
		return 1, true
	}
	return status, true
}

// analyzeToSARIF loads and analyzes the packages of cfg and returns the
// log of the findings and errors. It prints the errors to stderr as
// multichecker does, so that a log on standard output or a log that nobody
// reads does not hide them.
func analyzeToSARIF(cfg *sarifConfig, stderr io.Writer) *sarifout.Log {
	tool := sarifout.Tool{
		Name:           "ctxvarlint",
		Version:        toolVersion(),
		InformationURI: "https://pkg.go.dev/github.com/ctxvar/ctxvar/cmd/ctxvarlint",
	}
	wd, err := os.Getwd()
	if err != nil {
		wd = "."
	}

	mode := packages.LoadSyntax | packages.NeedModule
	if needFacts(cfg.analyzers) {
		mode = packages.LoadAllSyntax | packages.NeedModule
	}
	pkgs, err := packages.Load(&packages.Config{Mode: mode, Tests: cfg.tests}, cfg.patterns...)
	if err == nil && len(pkgs) == 0 {
		err = fmt.Errorf("%s matched no packages", strings.Join(cfg.patterns, " "))
	}
	if err != nil {
		log := sarifout.New(tool, cfg.analyzers, wd)
		fmt.Fprintf(stderr, "ctxvarlint: %v\n", err)
		log.AddError(err)
		return log
	}

	log := sarifout.New(tool, cfg.analyzers, sourceRoot(pkgs, wd))
	if packages.PrintErrors(pkgs) > 0 {
		log.AddPackageErrors(pkgs)
	}
	graph, err := checker.Analyze(cfg.analyzers, pkgs, nil)
	if err != nil {
		fmt.Fprintf(stderr, "ctxvarlint: %v\n", err)
		log.AddError(err)
		return log
	}
	for act := range graph.All() {
		if act.Err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", act.Analyzer.Name, act.Err)
		}
	}
	log.AddGraph(graph)
	return log
}

// writeSARIF writes log to the file name, or to standard output if name
// is -.
func writeSARIF(name string, log *sarifout.Log, status int) error {
	if name == "-" {
		return log.Write(os.Stdout, status)
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := log.Write(f, status); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %v", name, err)
	}
	return f.Close()
}

// sourceRoot returns the directory that the log's locations are relative
// to: the root of the main module that holds the working directory wd, as
// the module is normally the repository that a code scanning service shows
// the findings in, or wd itself if no main module holds it, as in the root
// directory of a workspace.
func sourceRoot(pkgs []*packages.Package, wd string) string {
	root := wd
	best := ""
	for _, p := range pkgs {
		m := p.Module
		if m == nil || !m.Main || m.Dir == "" || len(m.Dir) <= len(best) {
			continue
		}
		if rel, err := filepath.Rel(m.Dir, wd); err == nil && filepath.IsLocal(rel) {
			best, root = m.Dir, m.Dir
		}
	}
	return root
}

// needFacts reports whether any of analyzers or their prerequisites uses
// facts, which the checker computes from the syntax of the dependencies.
func needFacts(analyzers []*analysis.Analyzer) bool {
	seen := make(map[*analysis.Analyzer]bool)
	var visit func([]*analysis.Analyzer) bool
	visit = func(as []*analysis.Analyzer) bool {
		for _, a := range as {
			if seen[a] {
				continue
			}
			seen[a] = true
			if len(a.FactTypes) > 0 || visit(a.Requires) {
				return true
			}
		}
		return false
	}
	return visit(analyzers)
}
