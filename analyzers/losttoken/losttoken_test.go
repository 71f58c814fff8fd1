package losttoken_test

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/internal/testmodule"
	"github.com/ctxvar/ctxvar/analyzers/losttoken"
)

func TestAnalyzer(t *testing.T) {
	results := analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), losttoken.Analyzer, "./a", "./b", "./c", "./indirect", "./runcontext", "./helpers", "./usehelpers", "./funcvalues")

	// analysistest matches messages only; check the related information,
	// which points at the return statement reachable without the token:
	// the last return in usedInOneBranch, the closing brace of
	// fallsOffTheEnd.
	checked := make(map[string]bool)
	for _, r := range results {
		if r.Pass == nil || r.Pass.Pkg.Path() != "example.com/losttoken/a" {
			continue
		}
		for _, d := range r.Diagnostics {
			fn := enclosingFunc(r.Pass.Files, d.Pos)
			if fn == nil || (fn.Name.Name != "usedInOneBranch" && fn.Name.Name != "fallsOffTheEnd") {
				continue
			}
			name := fn.Name.Name
			checked[name] = true
			fset := r.Pass.Fset
			wantLine := fset.Position(fn.Body.Rbrace).Line
			tokName := "t"
			if name == "usedInOneBranch" {
				last := fn.Body.List[len(fn.Body.List)-1]
				wantLine = fset.Position(last.Pos()).Line
				tokName = "tok"
			}
			if len(d.Related) != 1 {
				t.Errorf("%s: %d related positions, want 1", name, len(d.Related))
				continue
			}
			rel := d.Related[0]
			want := fmt.Sprintf("this return statement may be reached without using the %s variable defined on line %d",
				tokName, fset.Position(d.Pos).Line)
			if rel.Message != want {
				t.Errorf("%s: related message %q, want %q", name, rel.Message, want)
			}
			if line := fset.Position(rel.Pos).Line; line != wantLine {
				t.Errorf("%s: related information on line %d, want %d", name, line, wantLine)
			}
			if !rel.End.IsValid() || fset.File(rel.End) != fset.File(rel.Pos) {
				t.Errorf("%s: related End %v lies outside the file", name, rel.End)
			}
		}
	}
	for _, name := range []string{"usedInOneBranch", "fallsOffTheEnd"} {
		if !checked[name] {
			t.Errorf("no diagnostic in %s", name)
		}
	}
}

func enclosingFunc(files []*ast.File, pos token.Pos) *ast.FuncDecl {
	for _, f := range files {
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Pos() <= pos && pos < fn.End() {
				return fn
			}
		}
	}
	return nil
}

// TestFixesCompile builds the testdata module with every file replaced by
// its .golden version, the output of all suggested fixes.
func TestFixesCompile(t *testing.T) {
	dir := testmodule.Fixed(t, analysistest.TestData())
	testmodule.Go(t, dir, "test", "-count=1", "-vet=off", "-run=^$", "./...")
}

// TestHelperFactGob checks that the Helper fact survives the gob encoding
// that drivers such as go vet use to pass facts between packages.
func TestHelperFactGob(t *testing.T) {
	in := &losttoken.Helper{Pkg: "example.com/p", Results: []losttoken.Result{
		{Index: 0, Var: losttoken.VarRef{Root: losttoken.RootGlobal, Pkg: "example.com/q", PkgName: "q", Name: "Tenant"}},
		{Index: 1, Restore: true, Var: losttoken.VarRef{Root: losttoken.RootParam, Name: "s", Param: 2, Fields: []string{"v"}}},
	}}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	out := new(losttoken.Helper)
	if err := gob.NewDecoder(&buf).Decode(out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("decoded %#v, want %#v", out, in)
	}
	if got, want := out.String(), "result 1 returns the token of q.Tenant.Set; result 2 returns a func that resets the token of s.v.Set"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
