// Package mdtest reads the reports of the benchcmp programs back in their
// tests.
package mdtest

import (
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar/benchcmp/internal/mdreport"
)

// Rows returns the cells of the data rows of the markdown table in out whose
// header line starts with header, and fails the test if there is none.
func Rows(t testing.TB, out, header string) [][]string {
	t.Helper()
	rows, err := mdreport.TableRows(out, header)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// Num parses a number as the reports print it, and fails the test if it is
// not one.
func Num(t testing.TB, s string) float64 {
	t.Helper()
	f, err := mdreport.Number(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}
