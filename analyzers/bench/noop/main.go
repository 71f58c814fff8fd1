// Command noop is the baseline of ctxvarlint's speed measurements: an
// x/tools multichecker, like ctxvarlint, whose analyzers do nothing. Its
// running time is what loading, parsing and type-checking the packages and
// driving the analysis framework cost by themselves.
//
// It holds two analyzers; run it with exactly one of them enabled:
//
//	noop -noop PACKAGES...       # declares no facts
//	noop -noopfacts PACKAGES...  # declares a fact type it never exports
//
// The difference matters because the x/tools checker loads every dependency
// from source (packages.LoadAllSyntax) and runs the analyzer on each of them
// as soon as any analyzer declares facts, while without facts it loads only
// the named packages from source and their dependencies from compiler export
// data (packages.LoadSyntax); see needFacts and load in
// golang.org/x/tools/go/analysis/internal/checker. ctxvarlint's analyzers
// declare facts, so -noopfacts is the driver that loads and type-checks the
// same packages as ctxvarlint does; -noop shows what the facts mode costs.
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/multichecker"
)

// Fact is the fact type the noopfacts analyzer declares. No analyzer ever
// exports one: declaring it is what switches the checker to loading and
// analyzing every dependency from source.
type Fact struct{}

// AFact implements analysis.Fact.
func (*Fact) AFact() {}

func (*Fact) String() string { return "never exported" }

var (
	noop = &analysis.Analyzer{
		Name: "noop",
		Doc:  "does nothing; its driver loads dependencies from export data",
		Run:  nothing,
	}
	noopFacts = &analysis.Analyzer{
		Name:      "noopfacts",
		Doc:       "does nothing, but declares a fact type, so that its driver loads and analyzes every dependency from source",
		Run:       nothing,
		FactTypes: []analysis.Fact{new(Fact)},
	}
)

func nothing(*analysis.Pass) (any, error) { return nil, nil }

func main() { multichecker.Main(noop, noopFacts) }
