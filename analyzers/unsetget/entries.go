package unsetget

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// How a goroutine's Context starts decides which fix a report suggests.
type entryKind int

const (
	entryFunc     entryKind = iota // main, init, TestMain, tests, benchmarks, fuzz targets
	entryGo                        // a function started by a go statement
	entryLaunched                  // a function a launcher runs on another goroutine
)

// checkEntries analyzes the functions where a goroutine starts and reports
// the Gets that can run there before their Var is set.
func (c *checker) checkEntries() {
	for i, file := range c.pass.Files {
		isTest := strings.HasSuffix(c.pass.Fset.File(file.FileStart).Name(), "_test.go")
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd.Recv != nil {
				continue
			}
			if name, initial, ok := c.entry(fd, isTest); ok {
				c.reportAll(c.analyze(fd.Body, initial).findings, name, entryFunc)
			}
		}
		for _, n := range c.starts[i] {
			switch n := n.(type) {
			case *ast.GoStmt:
				c.at.At(n.Pos())
				from := fmt.Sprintf("the goroutine started at %s (it starts with an empty Context)", c.where(n.Pos()))
				c.checkStarted(n.Call, n.Call.Fun, from, entryGo)
			case *ast.CallExpr:
				ci := c.callOf(n)
				c.at.At(n.Pos())
				from := fmt.Sprintf("the goroutine started by %s at %s (it starts with an empty Context)", c.funcName(ci.static), c.where(n.Pos()))
				for _, i := range ci.launched {
					c.checkStarted(n, n.Args[i], from, entryLaunched)
				}
			}
		}
	}
}

// checkStarted checks fn, a function that starts on a goroutine of its own,
// with an empty Context, at call.
func (c *checker) checkStarted(call *ast.CallExpr, fn ast.Expr, from string, kind entryKind) {
	if lit, ok := ast.Unparen(fn).(*ast.FuncLit); ok {
		c.reportAll(c.analyze(lit.Body, nil).findings, from, kind)
		return
	}
	var callee *types.Func
	if kind == entryGo {
		if c.api.Callee(c.pass.TypesInfo, call) != nil {
			return // go ctxvar.Spawn(...) and the like: nothing to read
		}
		callee = typeutil.StaticCallee(c.pass.TypesInfo, call)
	} else {
		callee = c.funcRef(fn)
	}
	if callee == nil {
		return
	}
	callee = callee.Origin()
	s := c.summaryOf(callee)
	if s == nil {
		return
	}
	var findings []finding
	for _, r := range s.requires {
		findings = append(findings, finding{pos: fn.Pos(), v: r.Var, get: r.Get, via: c.funcName(callee)})
	}
	c.reportAll(findings, from, kind)
}

// entry tells whether fd is a function a goroutine starts in, names it,
// and returns the Vars that may be set when it starts.
func (c *checker) entry(fd *ast.FuncDecl, isTest bool) (string, *varSet, bool) {
	fn, ok := c.pass.TypesInfo.Defs[fd.Name].(*types.Func)
	if !ok {
		return "", nil, false
	}
	sig := fn.Signature()
	name := fd.Name.Name
	switch {
	case name == "init":
		return name, c.initSets(fd), true
	case name == "main" && c.pass.Pkg.Name() == "main" && sig.Params().Len() == 0 && sig.Results().Len() == 0:
		// main runs on the goroutine that initialized the packages.
		return name, c.initSets(nil), true
	case !isTest || sig.Params().Len() != 1 || sig.Results().Len() != 0 || sig.TypeParams().Len() != 0:
		return "", nil, false
	}
	param := sig.Params().At(0).Type()
	switch {
	case name == "TestMain" && isTesting(param, "M"):
		return name, c.initSets(nil), true
	case isTestName(name, "Test") && isTesting(param, "T"),
		isTestName(name, "Benchmark") && isTesting(param, "B"),
		isTestName(name, "Fuzz") && isTesting(param, "F"):
		// The testing package runs each on a goroutine of its own.
		return name, nil, true
	}
	return "", nil, false
}

// isTestName reports whether name is prefix followed by nothing or by a
// character that is not a lower-case letter, as go test requires.
func isTestName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

// isTesting reports whether t is *testing.name.
func isTesting(t types.Type, name string) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	named, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "testing" && named.Obj().Name() == name
}

// reportAll reports findings in an entry, once each, in source order.
func (c *checker) reportAll(findings []finding, from string, kind entryKind) {
	slices.SortStableFunc(findings, func(a, b finding) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), strings.Compare(a.v.key(), b.v.key()))
	})
	type key struct {
		pos token.Pos
		v   string
	}
	seen := make(map[key]bool)
	for _, f := range findings {
		k := key{f.pos, f.v.key()}
		if seen[k] {
			continue
		}
		seen[k] = true
		c.rep.Report(analysis.Diagnostic{Pos: f.pos, Message: c.message(f, from, kind)})
	}
}

func (c *checker) message(f finding, from string, kind entryKind) string {
	v := c.display(f.v)
	fix := "Set it first"
	switch {
	case kind == entryGo:
		fix = "Set it first (in the goroutine, or before starting it with ctxvar.Spawn instead of go)"
	case kind == entryLaunched:
		fix = "Set it first (in the function, or before wrapping it with ctxvar.Bind)"
	case f.via != "":
		fix = "Set it before the call"
	}
	cause := fmt.Sprintf("%s has no default and is not set on a path from %s; "+
		"give it a default with ctxvar.Default, use GetOr or Lookup, or %s", v, from, fix)
	if f.via == "" {
		return fmt.Sprintf("%s.Get can panic with a LookupError: %s", v, cause)
	}
	return fmt.Sprintf("%s calls %s.Get (%s), which can panic with a LookupError: %s", f.via, v, f.get, cause)
}

func (c *checker) isEntry(fd *ast.FuncDecl) bool {
	if fd.Recv != nil {
		return false
	}
	isTest := strings.HasSuffix(c.pass.Fset.File(fd.Pos()).Name(), "_test.go")
	_, _, ok := c.entry(fd, isTest)
	return ok
}
