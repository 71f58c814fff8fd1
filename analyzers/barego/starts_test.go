package barego_test

import (
	"go/ast"
	"go/types"
	"slices"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/ctxvar/ctxvar/analyzers/barego"
)

// TestStarts checks what barego's result says of the functions that
// testdata/starts calls, and of some it does not.
func TestStarts(t *testing.T) {
	a, err := barego.New(barego.Config{
		Launchers: []string{"example.com/barego/b.Later", "example.com/barego/starts.later"},
		Spawners:  []string{"(*example.com/barego/b.Queue).Push"},
	})
	if err != nil {
		t.Fatal(err)
	}
	results := analysistest.Run(t, analysistest.TestData(), a, "./starts")
	if len(results) != 1 {
		t.Fatalf("%d results, want 1", len(results))
	}
	r := results[0]
	starts, ok := r.Result.(*barego.Starts)
	if !ok || starts == nil {
		t.Fatalf("barego's result is %T, want a *barego.Starts", r.Result)
	}
	pkg := r.Pass.Pkg
	imported := func(path string) *types.Package {
		for _, p := range pkg.Imports() {
			if p.Path() == path {
				return p
			}
		}
		t.Fatalf("starts does not import %s", path)
		return nil
	}
	fn := func(p *types.Package, name string) *types.Func {
		f, ok := p.Scope().Lookup(name).(*types.Func)
		if !ok {
			t.Fatalf("%s.%s is not a function", p.Path(), name)
		}
		return f
	}
	method := func(p *types.Package, typ, name string) *types.Func {
		obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(p.Scope().Lookup(typ).Type()), false, p, name)
		f, ok := obj.(*types.Func)
		if !ok {
			t.Fatalf("%s.%s has no method %s", p.Path(), typ, name)
		}
		return f
	}
	b := imported("example.com/barego/b")
	rt := imported("github.com/ctxvar/ctxvar/ctxvar")
	tm := imported("time")
	for _, c := range []struct {
		name     string
		fn       *types.Func
		launched []int
		spawned  []int
	}{
		{"a builtin launcher", fn(tm, "AfterFunc"), []int{1}, nil},
		{"a launcher of b, by its fact", fn(b, "Async"), []int{0}, nil},
		{"a launcher method of b", method(b, "Pool", "Submit"), []int{1}, nil},
		{"a Spawn of b, by its fact", fn(b, "Go"), nil, []int{0}},
		{"a configured launcher", fn(b, "Later"), []int{0}, nil},
		{"a configured spawner", method(b, "Queue", "Push"), nil, []int{0}},
		{"the runtime's Spawn", fn(rt, "Spawn"), nil, []int{0}},
		{"the runtime's BindArg, generic", fn(rt, "BindArg"), nil, []int{0}},
		{"a launcher of this package", fn(pkg, "async"), []int{0}, nil},
		{"a Spawn of this package", fn(pkg, "spawn"), nil, []int{0}},
		{"a launcher and Spawn", fn(pkg, "both"), []int{0}, []int{1}},
		{"a launcher on one path, a Spawn on another", fn(pkg, "mixed"), []int{0}, nil},
		{"a launcher the package does not call", fn(pkg, "uncalled"), []int{0}, nil},
		{"a configured generic launcher", fn(pkg, "later"), []int{0}, nil},
		{"a function that runs nothing", fn(pkg, "use"), nil, nil},
		// The package calls neither, so barego did not import their
		// facts: only configured functions are known then.
		{"a launcher of b the package does not call", fn(b, "AsyncTwice"), nil, nil},
		{"a Spawn of b the package does not call", fn(b, "GoVia"), nil, nil},
	} {
		got := starts.Of(c.fn)
		if !slices.Equal(got.Launched, c.launched) || !slices.Equal(got.Spawned, c.spawned) {
			t.Errorf("%s: Of(%v) = %+v, want launched %v, spawned %v", c.name, c.fn, got, c.launched, c.spawned)
		}
	}

	// The method expression's receiver is the call's first argument.
	var call *ast.CallExpr
	ast.Inspect(r.Pass.Files[0], func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Submit" {
				call = c
			}
		}
		return call == nil
	})
	if call == nil {
		t.Fatal("no call of Submit")
	}
	if f, launched, spawned := starts.Args(r.Pass.TypesInfo, call); f != method(b, "Pool", "Submit") || !slices.Equal(launched, []int{2}) || spawned != nil {
		t.Errorf("Args of (*b.Pool).Submit(p, name, task) = %v, %v, %v; want Submit, [2], []", f, launched, spawned)
	}

	// The nil Starts knows the builtin launchers.
	var none *barego.Starts
	if got := none.Of(fn(tm, "AfterFunc")); !slices.Equal(got.Launched, []int{1}) {
		t.Errorf("nil Starts: Of(time.AfterFunc) = %+v, want launched [1]", got)
	}
	if got := none.Of(fn(b, "Later")); got.Launched != nil || got.Spawned != nil {
		t.Errorf("nil Starts: Of(b.Later) = %+v, want nothing", got)
	}
}
