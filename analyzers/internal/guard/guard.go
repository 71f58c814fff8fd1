// Package guard turns a panic inside an analyzer into an error that names
// the package and the source position being analyzed, so that a bug in one
// check on one package is reported as an internal error, with a non-zero exit
// status, instead of crashing the whole run or passing silently.
package guard

import (
	"fmt"
	"go/token"
	"runtime/debug"

	"golang.org/x/tools/go/analysis"
)

// A Position is where an analyzer is working; it moves it forward (typically
// to each function it starts on) so that a panic can say where it happened.
type Position struct {
	Pos token.Pos
}

// At records that the analyzer is now working at pos.
func (p *Position) At(pos token.Pos) { p.Pos = pos }

// InternalError is the error a guarded analyzer returns when it panics.
type InternalError struct {
	Analyzer string
	Package  string
	Position token.Position // zero when the analyzer had not recorded one
	Value    any            // the panic value
	Stack    []byte
}

func (e *InternalError) Error() string {
	where := e.Package
	if e.Position.IsValid() {
		where = fmt.Sprintf("%s at %s", e.Package, e.Position)
	}
	return fmt.Sprintf("internal error: %s panicked analyzing %s: %v (please report this with the stack below)\n%s",
		e.Analyzer, where, e.Value, e.Stack)
}

// Run wraps an analyzer's run function. The wrapped function gets a Position
// to keep up to date; a panic becomes an *InternalError return.
func Run(run func(pass *analysis.Pass, at *Position) (any, error)) func(*analysis.Pass) (any, error) {
	return func(pass *analysis.Pass) (result any, err error) {
		at := new(Position)
		defer func() {
			if r := recover(); r != nil {
				ie := &InternalError{
					Analyzer: pass.Analyzer.Name,
					Package:  pass.Pkg.Path(),
					Value:    r,
					Stack:    debug.Stack(),
				}
				if at.Pos.IsValid() {
					ie.Position = pass.Fset.Position(at.Pos)
				}
				result, err = nil, ie
			}
		}()
		return run(pass, at)
	}
}
