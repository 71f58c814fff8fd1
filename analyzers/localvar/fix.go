package localvar

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// fixable reports whether the fix may move the declaration of s's Var to
// package level: a ctxvar.New call declared as a local variable, v :=
// ctxvar.New(...) or var v = ctxvar.New(...), that nothing assigns again,
// in a statement list of a function declaration.
func (s *site) fixable() bool {
	return s.callee == nil && s.local != nil && s.stmt != nil && s.list != nil && s.decl != nil && !s.reassigned
}

// fix returns the fix that moves the declaration of s's Var to package
// level, just before the function that holds it, or nil when that is not
// clearly safe: the call's arguments must be constants (and
// ctxvar.Default or ctxvar.Redacted of constants) and its type arguments
// package-level types; the variable's name must be free at package level,
// in every file of the package and its tests, and in the scopes that
// enclose the declaration; and no other fix may declare the same name.
func (c *checker) fix(s *site) *analysis.SuggestedFix {
	if !s.fixable() {
		return nil
	}
	name := s.local.Name()
	if c.fixNames[name] != 1 || !c.movable(s.call) || !c.freeName(s, name) {
		return nil
	}
	tf := c.pass.Fset.File(s.stmt.Pos())
	src, err := c.pass.ReadFile(tf.Name())
	if err != nil {
		return nil
	}
	start, end := tf.Offset(s.stmt.Pos()), tf.Offset(s.stmt.End())
	if tf.Line(s.stmt.Pos()) != tf.Line(s.stmt.End()) || end > len(src) {
		return nil
	}
	lineStart := tf.Offset(tf.LineStart(tf.Line(s.stmt.Pos())))
	if strings.TrimSpace(string(src[lineStart:start])) != "" {
		return nil
	}
	lineEnd := end
	for lineEnd < len(src) && src[lineEnd] != '\n' {
		lineEnd++
	}
	trailing := strings.TrimRight(string(src[end:lineEnd]), " \t\r")
	if t := strings.TrimSpace(trailing); t != "" && !strings.HasPrefix(t, "//") {
		return nil
	}
	if lineEnd < len(src) {
		lineEnd++ // the newline
	}
	var decl string
	switch st := s.stmt.(type) {
	case *ast.AssignStmt:
		decl = "var " + name + " = " + string(src[tf.Offset(s.call.Pos()):tf.Offset(s.call.End())])
	case *ast.DeclStmt:
		decl = string(src[start:end])
		_ = st
	}
	at := s.decl.Pos()
	if s.decl.Doc != nil {
		at = s.decl.Doc.Pos()
	}
	return &analysis.SuggestedFix{
		Message: "Declare " + name + " once, at package level",
		TextEdits: []analysis.TextEdit{
			{Pos: at, End: at, NewText: []byte(decl + trailing + "\n\n")},
			{Pos: tf.Pos(lineStart), End: tf.Pos(lineEnd)},
		},
	}
}

// movable reports whether expression x means the same at package level:
// it refers only to constants, types and packages declared at package
// level or in the universe, and calls only ctxvar.New, ctxvar.Default and
// ctxvar.Redacted.
func (c *checker) movable(x ast.Expr) bool {
	info := c.pass.TypesInfo
	ok := true
	ast.Inspect(x, func(n ast.Node) bool {
		if !ok {
			return false
		}
		if e, isExpr := n.(ast.Expr); isExpr {
			if tv, found := info.Types[e]; found && tv.Value != nil {
				return false // a constant
			}
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.CompositeLit, *ast.UnaryExpr, *ast.BinaryExpr, *ast.KeyValueExpr, *ast.SliceExpr, *ast.TypeAssertExpr:
			ok = false
		case *ast.CallExpr:
			if tv, found := info.Types[n.Fun]; found && tv.IsType() {
				return true // a conversion of a constant
			}
			fn := c.api.Callee(info, n)
			if fn == nil || fn != c.api.New && fn != c.api.Default && fn.Name() != "Redacted" {
				ok = false
			}
		case *ast.SelectorExpr:
			if info.Selections[n] != nil {
				ok = false // a field or method
			}
		case *ast.Ident:
			switch obj := info.Uses[n].(type) {
			case nil, *types.PkgName:
			case *types.TypeName:
				if _, isParam := obj.Type().(*types.TypeParam); isParam || !c.global(obj) {
					ok = false
				}
			case *types.Const:
				ok = c.global(obj)
			case *types.Func:
				ok = obj.Pkg() == c.api.Pkg
			default:
				ok = false // a variable, a built-in function
			}
		}
		return ok
	})
	return ok
}

// global reports whether obj is declared at package level, in this package
// or another, or in the universe.
func (c *checker) global(obj types.Object) bool {
	return obj.Parent() == types.Universe || obj.Pkg() != nil && obj.Parent() == obj.Pkg().Scope()
}

// freeName reports whether a package-level variable named name would
// neither clash with a declaration nor change what an identifier denotes.
func (c *checker) freeName(s *site, name string) bool {
	if name == "_" || name == "init" || name == "main" || types.Universe.Lookup(name) != nil {
		return false
	}
	pkgScope := c.pass.Pkg.Scope()
	if pkgScope.Lookup(name) != nil {
		return false
	}
	for sc := s.local.Parent().Parent(); sc != nil && sc != pkgScope; sc = sc.Parent() {
		if sc.Lookup(name) != nil {
			return false
		}
	}
	for _, f := range c.pass.Files {
		if sc := c.pass.TypesInfo.Scopes[f]; sc != nil && sc.Lookup(name) != nil {
			return false
		}
	}
	return !c.siblingDeclares(s.file, name)
}

// siblingDeclares reports whether a Go file of the package's directory
// that the pass does not hold (its tests, or files for other build
// configurations) declares or imports name at top level.
func (c *checker) siblingDeclares(file *ast.File, name string) bool {
	tf := c.pass.Fset.File(file.Pos())
	if tf == nil {
		return true
	}
	dir := filepath.Dir(tf.Name())
	entries, err := os.ReadDir(dir)
	if err != nil {
		return true
	}
	have := make(map[string]bool)
	for _, f := range c.pass.Files {
		if t := c.pass.Fset.File(f.Pos()); t != nil {
			have[filepath.Base(t.Name())] = true
		}
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || have[e.Name()] {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			return true
		}
		if f.Name.Name != c.pass.Pkg.Name() {
			continue
		}
		if declaresName(f, name) {
			return true
		}
	}
	return false
}

// declaresName reports whether f declares or imports name at top level.
func declaresName(f *ast.File, name string) bool {
	for _, imp := range f.Imports {
		n := ""
		if imp.Name != nil {
			n = imp.Name.Name
		} else {
			path := strings.Trim(imp.Path.Value, "`\"")
			n = path[strings.LastIndex(path, "/")+1:]
		}
		if n == name {
			return true
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == name {
				return true
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						if n.Name == name {
							return true
						}
					}
				case *ast.TypeSpec:
					if spec.Name.Name == name {
						return true
					}
				}
			}
		}
	}
	return false
}
