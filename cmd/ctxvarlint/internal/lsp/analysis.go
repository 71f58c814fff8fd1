package lsp

import (
	"errors"
	"fmt"
	"go/types"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// The server runs analyzers itself, as the x/tools checker does, so that it
// can keep type-checked packages and facts in memory and analyze again only
// what an edit affects. This file implements the analysis.Pass contract.

type objectFactKey struct {
	obj types.Object
	typ reflect.Type
}

// A finding is a diagnostic of one analyzer.
type finding struct {
	analyzer *analysis.Analyzer
	diag     analysis.Diagnostic
}

// plan returns the analyzers and everything they require, each after the
// analyzers it requires.
func plan(analyzers []*analysis.Analyzer) []*analysis.Analyzer {
	var order []*analysis.Analyzer
	seen := make(map[*analysis.Analyzer]bool)
	var visit func(a *analysis.Analyzer)
	visit = func(a *analysis.Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, r := range a.Requires {
			visit(r)
		}
		order = append(order, a)
	}
	for _, a := range analyzers {
		visit(a)
	}
	return order
}

// analyze runs the analyzers of order on p, whose dependencies have been
// analyzed already, and records its facts and findings. reported holds the
// analyzers whose findings are kept; the others only serve as inputs.
// It returns the analyzers' errors.
func (w *workspace) analyze(p *pkg, order []*analysis.Analyzer, reported map[*analysis.Analyzer]bool) []error {
	p.objectFacts = make(map[objectFactKey]analysis.Fact)
	p.packageFacts = make(map[reflect.Type]analysis.Fact)
	p.findings = nil

	var errs []error
	results := make(map[*analysis.Analyzer]any)
	failed := make(map[*analysis.Analyzer]error)
	var module *analysis.Module
	if m := p.meta.Module; m != nil {
		module = analysisModule(m)
	} else {
		module = new(analysis.Module)
	}
	readable := make(map[string]bool)
	for _, list := range [][]string{p.meta.CompiledGoFiles, p.meta.GoFiles, p.meta.OtherFiles, p.meta.IgnoredFiles, p.meta.EmbedFiles} {
		for _, f := range list {
			readable[f] = true
		}
	}

	for _, a := range order {
		var err error
		for _, r := range a.Requires {
			if failed[r] != nil {
				err = fmt.Errorf("failed prerequisite: %s", r.Name)
				break
			}
		}
		if err == nil && p.illTyped && !a.RunDespiteErrors {
			err = errors.New("analysis skipped due to errors in package")
		}
		if err != nil {
			failed[a] = err
			continue
		}
		inputs := make(map[*analysis.Analyzer]any, len(a.Requires))
		for _, r := range a.Requires {
			inputs[r] = results[r]
		}
		pass := &analysis.Pass{
			Analyzer:     a,
			Fset:         w.fset,
			Files:        p.files,
			OtherFiles:   p.meta.OtherFiles,
			IgnoredFiles: p.meta.IgnoredFiles,
			Pkg:          p.types,
			TypesInfo:    p.info,
			TypesSizes:   types.SizesFor("gc", runtime.GOARCH),
			TypeErrors:   typeErrors(p.errors),
			Module:       module,
			ResultOf:     inputs,
			ReadFile: func(name string) ([]byte, error) {
				if !readable[name] {
					return nil, fmt.Errorf("%s is not a file of package %s", name, p.meta.PkgPath)
				}
				if pf := w.parsed[name]; pf != nil && pf.content != nil {
					return pf.content, nil
				}
				return os.ReadFile(name)
			},
		}
		w.bindFacts(pass, p)
		if reported[a] {
			pass.Report = func(d analysis.Diagnostic) { p.findings = append(p.findings, finding{a, d}) }
		} else {
			pass.Report = func(analysis.Diagnostic) {}
		}
		result, err := runSafely(pass)
		if err == nil && result != nil && a.ResultType != nil && reflect.TypeOf(result) != a.ResultType {
			err = fmt.Errorf("internal error: on package %s, analyzer %s returned a result of type %v, but declared ResultType %v",
				pass.Pkg.Path(), a.Name, reflect.TypeOf(result), a.ResultType)
		}
		if err != nil {
			failed[a] = err
			errs = append(errs, fmt.Errorf("%s: %v", a.Name, err))
			continue
		}
		results[a] = result
	}
	return errs
}

// runSafely runs pass's analyzer, turning a panic into an error: a bug in
// one analyzer on one package must not stop the server.
func runSafely(pass *analysis.Pass) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, fmt.Errorf("internal error: %s panicked on package %s: %v\n%s",
				pass.Analyzer.Name, pass.Pkg.Path(), r, debug.Stack())
		}
	}()
	return pass.Analyzer.Run(pass)
}

// bindFacts gives pass the fact functions: facts about objects and packages
// of p are exported into p, and facts about those of its dependencies are
// read from the dependency that exported them.
func (w *workspace) bindFacts(pass *analysis.Pass, p *pkg) {
	a := pass.Analyzer
	factType := func(f analysis.Fact, what string) reflect.Type {
		t := reflect.TypeOf(f)
		if !slices.ContainsFunc(a.FactTypes, func(ft analysis.Fact) bool { return reflect.TypeOf(ft) == t }) {
			panic(fmt.Sprintf("internal error: %s: %s of type %v, which is not among the analyzer's FactTypes", a.Name, what, t))
		}
		return t
	}
	pass.ImportObjectFact = func(obj types.Object, fact analysis.Fact) bool {
		if obj == nil {
			panic("nil object")
		}
		t := factType(fact, "ImportObjectFact")
		owner := w.byType[obj.Pkg()]
		if owner == nil {
			return false // the standard library, or a universe object
		}
		f, ok := owner.objectFacts[objectFactKey{obj, t}]
		if ok {
			reflect.ValueOf(fact).Elem().Set(reflect.ValueOf(f).Elem())
		}
		return ok
	}
	pass.ExportObjectFact = func(obj types.Object, fact analysis.Fact) {
		if obj.Pkg() != p.types {
			panic(fmt.Sprintf("internal error: in analysis %s of package %s: Fact.Set(%s, %T): can't set facts on objects belonging another package",
				a.Name, p.meta.PkgPath, obj, fact))
		}
		t := factType(fact, "ExportObjectFact")
		p.objectFacts[objectFactKey{obj, t}] = fact
	}
	pass.ImportPackageFact = func(pkg *types.Package, fact analysis.Fact) bool {
		if pkg == nil {
			panic("nil package")
		}
		t := factType(fact, "ImportPackageFact")
		owner := w.byType[pkg]
		if owner == nil {
			return false
		}
		f, ok := owner.packageFacts[t]
		if ok {
			reflect.ValueOf(fact).Elem().Set(reflect.ValueOf(f).Elem())
		}
		return ok
	}
	pass.ExportPackageFact = func(fact analysis.Fact) {
		t := factType(fact, "ExportPackageFact")
		p.packageFacts[t] = fact
	}
	wanted := func(f analysis.Fact) bool {
		t := reflect.TypeOf(f)
		return slices.ContainsFunc(a.FactTypes, func(ft analysis.Fact) bool { return reflect.TypeOf(ft) == t })
	}
	pass.AllObjectFacts = func() []analysis.ObjectFact {
		var out []analysis.ObjectFact
		for _, q := range w.closure(p) {
			for k, f := range q.objectFacts {
				if wanted(f) {
					out = append(out, analysis.ObjectFact{Object: k.obj, Fact: f})
				}
			}
		}
		return out
	}
	pass.AllPackageFacts = func() []analysis.PackageFact {
		var out []analysis.PackageFact
		for _, q := range w.closure(p) {
			for _, f := range q.packageFacts {
				if wanted(f) {
					out = append(out, analysis.PackageFact{Package: q.types, Fact: f})
				}
			}
		}
		return out
	}
}

// closure returns p and the packages it imports, directly or not, that are
// analyzed from source.
func (w *workspace) closure(p *pkg) []*pkg {
	seen := map[*pkg]bool{p: true}
	out := []*pkg{p}
	for i := 0; i < len(out); i++ {
		for _, d := range out[i].deps {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out
}

// typeErrors returns the type checker's errors among errs.
func typeErrors(errs []error) []types.Error {
	var out []types.Error
	for _, err := range errs {
		if te, ok := err.(types.Error); ok {
			out = append(out, te)
		}
	}
	return out
}

func analysisModule(m *packages.Module) *analysis.Module {
	if m == nil {
		return nil
	}
	return &analysis.Module{
		Path:      m.Path,
		Version:   m.Version,
		Replace:   analysisModule(m.Replace),
		Main:      m.Main,
		Indirect:  m.Indirect,
		GoVersion: m.GoVersion,
	}
}
