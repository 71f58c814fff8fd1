package ctxvarapi

import "go/types"

// SlogPath is the import path of ctxvarslog, the runtime's log/slog
// handler.
const SlogPath = Path + "/ctxvarslog"

// Slog holds the objects of package ctxvarslog as one package sees them. A
// field is nil when the imported version lacks that name.
type Slog struct {
	Pkg *types.Package

	NewHandler *types.Func // NewHandler(next slog.Handler, opts ...Option) *Handler
	Vars, Attr *types.Func // the Options that name Vars
	Group      *types.Func // Group(name string) Option, which names none
}

// SlogOf returns ctxvarslog's objects when pkg is ctxvarslog or imports it
// directly, or nil: a package calls NewHandler only by importing it.
func SlogOf(pkg *types.Package) *Slog {
	var sp *types.Package
	if pkg.Path() == SlogPath {
		sp = pkg
	}
	for _, imp := range pkg.Imports() {
		if sp == nil && imp.Path() == SlogPath {
			sp = imp
		}
	}
	if sp == nil {
		return nil
	}
	scope := sp.Scope()
	fn := func(name string) *types.Func {
		f, _ := scope.Lookup(name).(*types.Func)
		return f
	}
	s := &Slog{Pkg: sp, NewHandler: fn("NewHandler"), Vars: fn("Vars"), Attr: fn("Attr"), Group: fn("Group")}
	return s
}
