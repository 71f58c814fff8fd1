// Package noreturn builds control-flow graphs in which calls that never
// return end their paths, for the analyzers that ask whether some path
// reaches a return (losttoken, tokenmisuse).
package noreturn

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"
)

// Returns tells the CFG builder which calls never return, so that a path
// through log.Fatal or a helper that panics does not count as a path to a
// return. It is the ctrlflow analyzer's job done only for the functions
// that hold a token, and only within the package: ctrlflow builds
// the CFG of every function of every package, which a package that cannot
// reach ctxvar must not pay for.
//
// Taking a call for one that never returns removes paths, which can only
// hide a report; so the conventional names below are matched generously.
type Returns struct {
	info  *types.Info
	files []*ast.File
	decls map[*types.Func]*ast.FuncDecl // built at the first call
	state map[*types.Func]returnState
}

type returnState int

const (
	stateUnknown returnState = iota
	stateInProgress
	stateReturns
	stateNeverReturns
)

// neverReturning names functions and methods that, by convention, end the
// goroutine or the program: os.Exit, runtime.Goexit, log.Fatal, t.Fatal,
// and the like in logging packages (zap, logrus, klog).
var neverReturning = map[string]bool{
	"Exit": true, "Exitf": true, "Exitln": true, "ExitDepth": true, "Goexit": true,
	"Fatal": true, "Fatalf": true, "Fatalln": true, "Fatalw": true, "FatalDepth": true,
	"Panic": true, "Panicf": true, "Panicln": true, "Panicw": true,
}

// neverReturningTesting names the methods of testing.T, B, F and TB that
// end the test's goroutine.
var neverReturningTesting = map[string]bool{
	"FailNow": true, "Fatal": true, "Fatalf": true, "SkipNow": true, "Skip": true, "Skipf": true,
}

// New returns a Returns for the package whose type information and files
// are given: the functions of that package it may look into.
func New(info *types.Info, files []*ast.File) *Returns {
	return &Returns{info: info, files: files, state: make(map[*types.Func]returnState)}
}

// Graph builds the control-flow graph of a function body.
func (r *Returns) Graph(body *ast.BlockStmt) *cfg.CFG {
	return cfg.New(body, r.mayReturn)
}

func (r *Returns) mayReturn(call *ast.CallExpr) bool {
	switch fn := typeutil.Callee(r.info, call).(type) {
	case *types.Builtin:
		return fn.Name() != "panic"
	case *types.Func:
		fn = fn.Origin()
		if fn.Pkg() != nil && fn.Pkg().Path() == "testing" && neverReturningTesting[fn.Name()] {
			return false
		}
		if neverReturning[fn.Name()] {
			return false
		}
		return !r.neverReturns(fn)
	}
	return true
}

// neverReturns reports whether fn, declared in this package, has no path
// to a return. A function being analyzed when the question comes back to it
// (recursion) is taken to return.
func (r *Returns) neverReturns(fn *types.Func) bool {
	switch r.state[fn] {
	case stateInProgress, stateReturns:
		return false
	case stateNeverReturns:
		return true
	}
	if r.decls == nil {
		r.decls = make(map[*types.Func]*ast.FuncDecl)
		for _, f := range r.files {
			for _, decl := range f.Decls {
				if d, ok := decl.(*ast.FuncDecl); ok && d.Body != nil {
					if obj, ok := r.info.Defs[d.Name].(*types.Func); ok {
						r.decls[obj] = d
					}
				}
			}
		}
	}
	decl, ok := r.decls[fn]
	if !ok {
		r.state[fn] = stateReturns
		return false
	}
	r.state[fn] = stateInProgress
	state := stateReturns
	if cfg.New(decl.Body, r.mayReturn).NoReturn() {
		state = stateNeverReturns
	}
	r.state[fn] = state
	return state == stateNeverReturns
}
