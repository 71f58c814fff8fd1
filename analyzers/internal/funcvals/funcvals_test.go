package funcvals_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/ctxvar/ctxvar/analyzers/internal/funcvals"
)

func newInfo() *types.Info {
	return &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		Instances:    make(map[*ast.Ident]types.Instance),
		FileVersions: make(map[*ast.File]string),
	}
}

// TestResolver checks the answers for testdata/p.go, whose comments say
// what each argument of use may hold and whether each argument of keep is
// unchanged from its statement on.
func TestResolver(t *testing.T) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, filepath.Join("testdata", "p.go"), nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := newInfo()
	conf := types.Config{Importer: importer.Default(), GoVersion: "go1.26"}
	if _, err := conf.Check("p", fset, []*ast.File{file}, info); err != nil {
		t.Fatal(err)
	}
	wants := make(map[int]string)
	for _, cg := range file.Comments {
		for _, c := range cg.List {
			if text, ok := strings.CutPrefix(c.Text, "// want: "); ok {
				wants[fset.Position(c.Pos()).Line] = text
			}
		}
	}
	r := funcvals.New(info, []*ast.File{file})
	checked := 0
	var stmt ast.Stmt
	ast.Inspect(file, func(n ast.Node) bool {
		if s, ok := n.(*ast.ExprStmt); ok {
			stmt = s
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || (id.Name != "use" && id.Name != "keep") || len(call.Args) != 1 {
			return true
		}
		line := fset.Position(call.Pos()).Line
		want, ok := wants[line]
		if !ok {
			t.Errorf("line %d: %s without a want comment", line, id.Name)
			return true
		}
		checked++
		arg := call.Args[0]
		var got string
		if id.Name == "use" {
			got = describe(r.Values(arg))
		} else {
			v, _ := info.Uses[arg.(*ast.Ident)].(*types.Var)
			got = "changed"
			if r.Unchanged(v, stmt) {
				got = "unchanged"
			}
		}
		if got != want {
			t.Errorf("line %d: %s(%s) = %s; want %s", line, id.Name, types.ExprString(arg), got, want)
		}
		return true
	})
	if checked != len(wants) {
		t.Errorf("checked %d calls; the file has %d want comments", checked, len(wants))
	}
}

// describe spells values as the want comments do: lit:TAG for a literal
// that calls tag(TAG), func:NAME, method:NAME, methodexpr:NAME, nil.
func describe(vals []funcvals.Value, ok bool) string {
	if !ok {
		return "unknown"
	}
	var out []string
	for _, v := range vals {
		switch v.Kind {
		case funcvals.Nil:
			out = append(out, "nil")
		case funcvals.Lit:
			tag := "?"
			ast.Inspect(v.Lit.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && len(call.Args) == 1 {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok {
						tag, _ = strconv.Unquote(lit.Value)
					}
				}
				return true
			})
			out = append(out, "lit:"+tag)
		case funcvals.Func:
			out = append(out, "func:"+v.Func.Name())
		case funcvals.Method:
			if v.Recv == nil {
				out = append(out, "method:?")
				break
			}
			out = append(out, "method:"+v.Func.Name())
		case funcvals.MethodExpr:
			out = append(out, "methodexpr:"+v.Func.Name())
		}
	}
	return strings.Join(out, " ")
}

// TestStd asks about every call of a local func variable, and every
// variable such a call passes, in some packages of the standard library:
// funcvals must not fail on real code, must resolve some, and must be
// quick.
func TestStd(t *testing.T) {
	if testing.Short() {
		t.Skip("loads packages of the standard library from source")
	}
	cfg := &packages.Config{Mode: packages.LoadSyntax}
	pkgs, err := packages.Load(cfg, "net/http", "go/types", "text/template", "encoding/json", "sort", "testing")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	calls, resolved, kept := 0, 0, 0
	for _, pkg := range pkgs {
		r := funcvals.New(pkg.TypesInfo, pkg.Syntax)
		var stmt ast.Stmt
		for _, f := range pkg.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				if s, ok := n.(ast.Stmt); ok {
					stmt = s
				}
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if v, ok := pkg.TypesInfo.Uses[identOf(call.Fun)].(*types.Var); ok && !v.IsField() {
					calls++
					if _, ok := r.Values(call.Fun); ok {
						resolved++
					}
				}
				for _, arg := range call.Args {
					if v, ok := pkg.TypesInfo.Uses[identOf(arg)].(*types.Var); ok && stmt != nil && r.Unchanged(v, stmt) {
						kept++
					}
				}
				return true
			})
		}
	}
	t.Logf("%d calls of func variables, %d resolved; %d unchanged arguments; %v", calls, resolved, kept, time.Since(start))
	if resolved == 0 || kept == 0 {
		t.Errorf("resolved %d of %d calls, found %d unchanged arguments: expected some of each", resolved, calls, kept)
	}
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}
