package lsp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// A workspace is the module being edited: its package graph, and for each
// package outside the standard library its latest type-checked syntax,
// facts and findings. The standard library comes from the compiler's export
// data: it cannot reach the ctxvar runtime, so the analyzers export no facts
// about it and never report in it.
//
// A workspace is used by one goroutine at a time.
type workspace struct {
	dir  string // the module's root directory
	env  []string
	fset *token.FileSet
	logf func(level int, format string, args ...any)

	pkgs   map[string]*pkg // by package ID
	order  []*pkg          // dependencies before their importers
	byFile map[string][]*pkg
	byType map[*types.Package]*pkg

	exportFiles map[string]string // standard package path -> export data file
	std         types.ImporterFrom

	parsed map[string]*parsedFile // by file name

	// missing records the imports that were not in the package graph at
	// the last reload, so that a new import that go list cannot resolve
	// does not make every run reload again.
	missing map[string]bool

	// unlisted holds the open files that the last listing put in no
	// package, so that editing them does not list the packages again each
	// time; saving them does.
	unlisted map[string]bool
}

// A pkg is a package of the graph that is analyzed from source.
type pkg struct {
	meta    *packages.Package
	deps    []*pkg // imported packages analyzed from source
	rdeps   []*pkg // importers
	checked bool   // types and the fields below are for the current meta

	types    *types.Package
	info     *types.Info
	files    []*ast.File
	errors   []error // list, parse and type errors
	illTyped bool    // errors here or in a dependency

	objectFacts  map[objectFactKey]analysis.Fact
	packageFacts map[reflect.Type]analysis.Fact
	findings     []finding
}

// inModule reports whether p belongs to the workspace's module, so that its
// findings are shown.
func (p *pkg) inModule() bool { return p.meta.Module != nil && p.meta.Module.Main }

// A parsedFile is a file's contents and its syntax, kept while the contents
// stay the same.
type parsedFile struct {
	content []byte
	file    *ast.File
	err     error
	mapper  *mapper
}

func newWorkspace(dir string, env []string, logf func(int, string, ...any)) *workspace {
	return &workspace{
		dir:         dir,
		env:         env,
		fset:        token.NewFileSet(),
		logf:        logf,
		pkgs:        make(map[string]*pkg),
		byFile:      make(map[string][]*pkg),
		byType:      make(map[*types.Package]*pkg),
		exportFiles: make(map[string]string),
		parsed:      make(map[string]*parsedFile),
		missing:     make(map[string]bool),
		unlisted:    make(map[string]bool),
	}
}

// isStd reports whether a package of the graph comes from export data.
func isStd(m *packages.Package) bool { return m.Module == nil }

// contains reports whether name is inside the module's directory tree.
func (w *workspace) contains(name string) bool {
	rel, err := filepath.Rel(w.dir, name)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// reload lists the module's packages (tests included) and their
// dependencies anew, with the given overlay, and returns the packages whose
// metadata changed: they, and their importers, must be checked again.
func (w *workspace) reload(overlay map[string][]byte) ([]*pkg, error) {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedDeps | packages.NeedModule |
			packages.NeedEmbedFiles,
		Dir:     w.dir,
		Env:     w.env,
		Tests:   true,
		Overlay: overlay,
	}
	roots, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, fmt.Errorf("listing the packages of %s: %v", w.dir, err)
	}

	all := make(map[string]*packages.Package)
	packages.Visit(roots, nil, func(m *packages.Package) { all[m.ID] = m })

	// The standard library's export data, for the packages not seen yet.
	var stdPaths []string
	for _, m := range all {
		if isStd(m) && m.PkgPath != "unsafe" && w.exportFiles[m.PkgPath] == "" {
			stdPaths = append(stdPaths, m.PkgPath)
		}
	}
	if len(stdPaths) > 0 {
		if err := w.loadExportFiles(stdPaths); err != nil {
			return nil, err
		}
	}

	old := w.pkgs
	w.pkgs = make(map[string]*pkg)
	w.byFile = make(map[string][]*pkg)
	var changed []*pkg
	for id, m := range all {
		if isStd(m) || strings.HasSuffix(m.ID, ".test") {
			continue // the standard library, and generated test mains
		}
		p := old[id]
		if p == nil || !sameMetadata(p.meta, m) {
			if p != nil {
				w.forget(p)
			}
			p = &pkg{}
			changed = append(changed, p)
		}
		p.meta = m
		p.deps, p.rdeps = nil, nil
		w.pkgs[id] = p
		for _, f := range m.CompiledGoFiles {
			w.byFile[f] = append(w.byFile[f], p)
		}
	}
	for id, p := range old {
		if w.pkgs[id] != p {
			w.forget(p)
		}
	}
	for _, p := range w.pkgs {
		for _, imp := range p.meta.Imports {
			if d := w.pkgs[imp.ID]; d != nil {
				p.deps = append(p.deps, d)
				d.rdeps = append(d.rdeps, p)
			}
		}
	}
	w.order = topoSort(w.pkgs)
	clear(w.unlisted)
	return changed, nil
}

// loadExportFiles finds the export data of standard packages, which the go
// command builds into its cache, and makes a fresh importer for them, so
// that every package sees the same types.Package for each path.
func (w *workspace) loadExportFiles(paths []string) error {
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedExportFile,
		Dir:  w.dir,
		Env:  w.env,
	}
	ms, err := packages.Load(cfg, paths...)
	if err != nil {
		return fmt.Errorf("finding the standard library's export data: %v", err)
	}
	for _, m := range ms {
		if m.ExportFile != "" {
			w.exportFiles[m.PkgPath] = m.ExportFile
		}
	}
	if w.std == nil {
		lookup := func(path string) (io.ReadCloser, error) {
			file := w.exportFiles[path]
			if file == "" {
				return nil, fmt.Errorf("no export data for %q", path)
			}
			return os.Open(file)
		}
		w.std = importer.ForCompiler(w.fset, "gc", lookup).(types.ImporterFrom)
	}
	return nil
}

// sameMetadata reports whether a package's files and imports are the same,
// so that its last check stays valid unless a dependency changes.
func sameMetadata(a, b *packages.Package) bool {
	if a.PkgPath != b.PkgPath || a.Name != b.Name ||
		!slices.Equal(a.CompiledGoFiles, b.CompiledGoFiles) ||
		!slices.Equal(a.OtherFiles, b.OtherFiles) ||
		len(a.Imports) != len(b.Imports) || len(a.Errors) != len(b.Errors) {
		return false
	}
	for path, ia := range a.Imports {
		if ib := b.Imports[path]; ib == nil || ib.ID != ia.ID {
			return false
		}
	}
	if (a.Module == nil) != (b.Module == nil) || a.Module != nil && a.Module.GoVersion != b.Module.GoVersion {
		return false
	}
	return true
}

// forget drops what the workspace knows about p's last check.
func (w *workspace) forget(p *pkg) {
	if p.types != nil && w.byType[p.types] == p {
		delete(w.byType, p.types)
	}
	p.checked = false
}

// topoSort orders packages so that each comes after its dependencies; ties
// are broken by ID, so that runs are reproducible.
func topoSort(pkgs map[string]*pkg) []*pkg {
	ids := make([]string, 0, len(pkgs))
	for id := range pkgs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var order []*pkg
	seen := make(map[*pkg]bool)
	var visit func(p *pkg)
	visit = func(p *pkg) {
		if seen[p] {
			return
		}
		seen[p] = true
		deps := slices.Clone(p.deps)
		slices.SortFunc(deps, func(a, b *pkg) int { return strings.Compare(a.meta.ID, b.meta.ID) })
		for _, d := range deps {
			visit(d)
		}
		order = append(order, p)
	}
	for _, id := range ids {
		visit(pkgs[id])
	}
	return order
}

// affected returns, in dependency order, the packages that must be checked
// again when the given files changed or the given packages are new: those
// that contain a changed file, the new ones, the ones never checked, and
// everything that imports one of them.
func (w *workspace) affected(files []string, fresh []*pkg) []*pkg {
	mark := make(map[*pkg]bool)
	var add func(p *pkg)
	add = func(p *pkg) {
		if mark[p] {
			return
		}
		mark[p] = true
		for _, r := range p.rdeps {
			add(r)
		}
	}
	for _, f := range files {
		for _, p := range w.byFile[f] {
			add(p)
		}
	}
	for _, p := range fresh {
		if w.pkgs[p.meta.ID] == p {
			add(p)
		}
	}
	for _, p := range w.order {
		if !p.checked {
			add(p)
		}
	}
	var out []*pkg
	for _, p := range w.order {
		if mark[p] {
			out = append(out, p)
		}
	}
	return out
}

// parse returns the syntax of a file, from the overlay when it has one,
// reusing the last parse when the contents have not changed.
func (w *workspace) parse(name string, overlay map[string][]byte) *parsedFile {
	content, ok := overlay[name]
	if !ok {
		data, err := os.ReadFile(name)
		if err != nil {
			delete(w.parsed, name)
			return &parsedFile{err: err}
		}
		content = data
	}
	if pf := w.parsed[name]; pf != nil && bytes.Equal(pf.content, content) {
		return pf
	}
	f, err := parser.ParseFile(w.fset, name, content, parser.ParseComments|parser.SkipObjectResolution)
	pf := &parsedFile{content: content, file: f, err: err, mapper: newMapper(content)}
	w.parsed[name] = pf
	return pf
}

// check parses and type-checks p against the current types of its
// dependencies. It returns the imports that are not in the package graph,
// which mean the graph must be listed again.
func (w *workspace) check(p *pkg, overlay map[string][]byte) (missing []string) {
	w.forget(p)
	m := p.meta
	p.errors = nil
	for _, e := range m.Errors {
		p.errors = append(p.errors, e)
	}
	p.files = nil
	for _, name := range m.CompiledGoFiles {
		pf := w.parse(name, overlay)
		if pf.file == nil {
			p.errors = append(p.errors, pf.err)
			continue
		}
		if pf.err != nil {
			p.errors = append(p.errors, pf.err)
		}
		p.files = append(p.files, pf.file)
	}

	importer := importerFunc(func(path string) (*types.Package, error) {
		if path == "unsafe" {
			return types.Unsafe, nil
		}
		imp := m.Imports[path]
		if imp == nil {
			missing = append(missing, path)
			return nil, fmt.Errorf("package %s is not in the package graph", path)
		}
		if isStd(imp) {
			if w.std == nil {
				return nil, fmt.Errorf("no export data for %s", path)
			}
			return w.std.ImportFrom(imp.PkgPath, w.dir, 0)
		}
		d := w.pkgs[imp.ID]
		if d == nil || d.types == nil {
			return nil, fmt.Errorf("package %s was not loaded", path)
		}
		return d.types, nil
	})
	cfg := &types.Config{
		Importer: importer,
		Sizes:    types.SizesFor("gc", runtime.GOARCH),
		Error:    func(err error) { p.errors = append(p.errors, err) },
	}
	if m.Module != nil && m.Module.GoVersion != "" {
		cfg.GoVersion = "go" + m.Module.GoVersion
	}
	p.info = &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Instances:    make(map[*ast.Ident]types.Instance),
		Scopes:       make(map[ast.Node]*types.Scope),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		FileVersions: make(map[*ast.File]string),
	}
	p.types, _ = cfg.Check(m.PkgPath, w.fset, p.files, p.info)
	p.illTyped = len(p.errors) > 0
	for _, d := range p.deps {
		p.illTyped = p.illTyped || d.illTyped
	}
	w.byType[p.types] = p
	p.checked = true
	return missing
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
