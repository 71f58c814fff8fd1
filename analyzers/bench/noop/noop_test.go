package main

import (
	"testing"

	"golang.org/x/tools/go/analysis"
)

// The comparison is fair only if the two analyzers differ in their fact
// types alone: the checker loads every dependency from source exactly when
// some analyzer declares facts.
func TestAnalyzers(t *testing.T) {
	if err := analysis.Validate([]*analysis.Analyzer{noop, noopFacts}); err != nil {
		t.Fatal(err)
	}
	if len(noop.FactTypes) != 0 || len(noop.Requires) != 0 {
		t.Errorf("noop declares facts or requirements")
	}
	if len(noopFacts.FactTypes) == 0 || len(noopFacts.Requires) != 0 {
		t.Errorf("noopfacts declares no facts, or requirements")
	}
}
