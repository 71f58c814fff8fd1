package barego

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// SlogHandler is the package fact of a package that builds a ctxvarslog
// handler, or that imports, directly or not, a package that does: Vars lists
// the Vars such handlers add to every log record, from the Context of the
// goroutine that logs. Where a package sees the fact, its calls of log/slog
// read those Vars, as GetOr would.
//
// barego cannot tell which handler a logger goes to, so where a program
// builds several handlers, Vars holds those that all of them add: a call of
// log/slog reads them whichever handler it reaches. A handler counts once
// its options name a Var barego can identify; Vars may then be empty, and
// the fact still tells importers that the handlers they see have no Var in
// common. A package's fact holds its own handlers and its imports' facts, so
// that importers see every handler below them also where a driver gives them
// only the facts of their direct imports.
type SlogHandler struct {
	Pkg  string // the package: its own Vars print unqualified
	Vars []HandlerVar
}

// A HandlerVar is a Var a ctxvarslog handler adds to log records.
type HandlerVar struct {
	Var VarRef

	// Via names the Var as the code that built the handler does, when that
	// is not as Var does (see Read.Via).
	Via VarRef
}

func (h HandlerVar) name() VarRef {
	if h.Via.Name != "" {
		return h.Via
	}
	return h.Var
}

// AFact implements analysis.Fact.
func (*SlogHandler) AFact() {}

func (f *SlogHandler) String() string {
	if len(f.Vars) == 0 {
		return "ctxvarslog handlers log no Var in common"
	}
	var names []string
	for _, v := range f.Vars {
		names = append(names, v.name().in(f.Pkg))
	}
	return "ctxvarslog handler logs " + strings.Join(names, ", ")
}

// slogLogs names the functions and methods of log/slog that log a record:
// package-level functions and methods of *slog.Logger alike.
var slogLogs = map[string]bool{
	"Debug": true, "DebugContext": true,
	"Info": true, "InfoContext": true,
	"Warn": true, "WarnContext": true,
	"Error": true, "ErrorContext": true,
	"Log": true, "LogAttrs": true,
}

// findHandlerVars finds the Vars that every ctxvarslog handler this package
// builds, or its imports' facts tell of, adds to log records, and exports
// them as the package's SlogHandler fact. Logging through log/slog reads
// them from then on.
func (pa *pkgAnalysis) findHandlerVars() {
	var vars []HandlerVar
	seen := false // a handler or a fact: vars is their intersection
	meet := func(hs []HandlerVar) {
		if !seen {
			seen = true
			for _, h := range hs {
				if !slices.ContainsFunc(vars, func(g HandlerVar) bool { return g.Var == h.Var }) {
					vars = append(vars, h)
				}
			}
			return
		}
		vars = slices.DeleteFunc(vars, func(g HandlerVar) bool {
			i := slices.IndexFunc(hs, func(h HandlerVar) bool { return h.Var == g.Var })
			return i < 0
		})
		for i, g := range vars {
			for _, h := range hs {
				// One name for the Var, whatever the order of the handlers.
				if h.Var == g.Var && compareVarRef(h.name(), g.name()) < 0 {
					vars[i] = h
				}
			}
		}
	}
	for _, pf := range pa.pass.AllPackageFacts() {
		if f, ok := pf.Fact.(*SlogHandler); ok && pf.Package != pa.pass.Pkg {
			meet(f.Vars)
		}
	}
	if s := ctxvarapi.SlogOf(pa.pass.Pkg); s != nil && s.NewHandler != nil {
		for _, f := range pa.pass.Files {
			pa.at.At(f.Pos())
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && calleeIs(pa.info, call, s.NewHandler) {
					if hs := pa.optionVars(s, call); len(hs) > 0 {
						meet(hs)
					}
				}
				return true
			})
		}
	}
	if !seen {
		return
	}
	slices.SortFunc(vars, func(a, b HandlerVar) int { return compareVarRef(a.name(), b.name()) })
	pa.handlerVars = vars
	pa.pass.ExportPackageFact(&SlogHandler{Pkg: pa.pass.Pkg.Path(), Vars: vars})
}

// optionVars returns the Vars that a call of ctxvarslog.NewHandler names
// in its options: the arguments of ctxvarslog.Vars and the Var of
// ctxvarslog.Attr, written as arguments of the call. Only the Vars barego
// can identify count; an option it cannot read (a variable, a slice passed
// with ...) adds nothing.
func (pa *pkgAnalysis) optionVars(s *ctxvarapi.Slog, call *ast.CallExpr) []HandlerVar {
	if call.Ellipsis.IsValid() || len(call.Args) < 2 {
		return nil
	}
	var out []HandlerVar
	for _, opt := range call.Args[1:] {
		oc, ok := ast.Unparen(opt).(*ast.CallExpr)
		if !ok || oc.Ellipsis.IsValid() {
			continue
		}
		var args []ast.Expr
		switch {
		case s.Vars != nil && calleeIs(pa.info, oc, s.Vars):
			args = oc.Args
		case s.Attr != nil && calleeIs(pa.info, oc, s.Attr) && len(oc.Args) == 2:
			args = oc.Args[1:]
		}
		for _, arg := range args {
			if h, ok := pa.handlerVar(arg); ok {
				out = append(out, h)
			}
		}
	}
	return out
}

// handlerVar identifies the Var an option's argument names: a package-level
// *ctxvar.Var[T] variable or a field of that type, as barego names the Vars
// it reads. An expression of type ctxvar.AnyVar names none that barego can
// tell.
func (pa *pkgAnalysis) handlerVar(arg ast.Expr) (HandlerVar, bool) {
	obj := ctxvarapi.VarObject(pa.info, arg)
	if obj == nil || !pa.api.IsVarType(obj.Type()) {
		return HandlerVar{}, false
	}
	v, ok := pa.varRef(obj)
	if !ok {
		return HandlerVar{}, false
	}
	h := HandlerVar{Var: v}
	if obj.IsField() {
		if via, ok := pa.fieldPath(arg); ok && via != v {
			h.Via = via
		}
	}
	return h, true
}

// logsVar reports whether the handlers this package sees all add v to log
// records. A callee's log calls read only those Vars here: its package may
// see fewer handlers, whose Vars are more, than this one does.
func (pa *pkgAnalysis) logsVar(v VarRef) bool {
	return slices.ContainsFunc(pa.handlerVars, func(h HandlerVar) bool { return h.Var == v })
}

// calleeIs reports whether call calls fn.
func calleeIs(info *types.Info, call *ast.CallExpr, fn *types.Func) bool {
	f, ok := typeutil.Callee(info, call).(*types.Func)
	return ok && f.Origin() == fn
}

// logAction returns the action of a call of fn when fn is a function or
// method of log/slog that logs a record and the package sees a ctxvarslog
// handler: a read of each Var of the handlers. It returns nil otherwise.
func (pa *pkgAnalysis) logAction(fn *types.Func) *action {
	if len(pa.handlerVars) == 0 || fn.Pkg() == nil || fn.Pkg().Path() != "log/slog" || !slogLogs[fn.Name()] || !isSlogLog(fn) {
		return nil
	}
	name := displayName(fn)
	reads := make([]*Read, len(pa.handlerVars))
	for i, h := range pa.handlerVars {
		reads[i] = &Read{Var: h.Var, Via: h.Via, Log: name}
	}
	return &action{kind: evLog, reads: reads}
}

// isSlogLog reports whether fn, named as one of slogLogs in log/slog, is
// the package-level function or the method of *slog.Logger of that name,
// by identity.
func isSlogLog(fn *types.Func) bool {
	scope := fn.Pkg().Scope()
	recv := fn.Signature().Recv()
	if recv == nil {
		return scope.Lookup(fn.Name()) == fn
	}
	ptr, ok := types.Unalias(recv.Type()).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Obj() == scope.Lookup("Logger")
}
