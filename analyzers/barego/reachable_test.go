package barego

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/cfg"
)

// reachableSrc holds functions whose code is all reachable (ok...) or not
// (dead...), or that allReachable may not tell from each other and takes
// for not (unsure...).
const reachableSrc = `package p

func f() int
func stop() { panic(0) }

func okPlain()       { f(); f() }
func okReturnLast() int { f(); return f() }
func okIf(b bool)    { if b { return }; f() }
func okIfElse(b bool) { if b { return } else if f() > 0 { f() }; f() }
func okLoop(b bool)  { for b { if f() > 0 { break }; f() }; f() }
func okRange(s []int) { for range s { continue }; f() }
func okSwitch(x int) { switch x { case 1: return; case 2: f() }; f() }
func okSwitchNoDefault(x int) { switch x { case 1: return; case 2: panic(0) }; f() }
func okSelect(c chan int) { select { case <-c: f(); case c <- 1: }; f() }
func okDefer()       { defer f(); f() }
func okLit()         { g := func() { return; f() }; g() }

func deadReturn() int { return 1; f(); return 2 }
func deadPanic()     { panic(0); f() }
func deadIfElse(b bool) { if b { return } else { return }; f() }
func deadSwitch(x int) { switch x { case 1: return; default: panic(0) }; f() }
func deadSelect()    { select {}; f() }
func deadNested(b bool) { if b { return; f() } }
func deadClause(x int) { switch x { case 1: return; f() } }
func deadFor()       { for { f() }; f() }
func deadInit(b bool) { if panic(0); b { f() } }

func unsureLabel()   { L: f(); goto L }
func unsureBreakFor() { for { break }; f() }
func unsureBreakSwitch(x int) { switch x { default: break }; f() }
`

// TestAllReachable checks allReachable against the CFG: where it says all
// code is reachable the CFG must agree, and the CFG must find the dead
// code of the dead functions.
func TestAllReachable(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", reachableSrc, 0)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{
		Types: make(map[ast.Expr]types.TypeAndValue),
		Defs:  make(map[*ast.Ident]types.Object),
		Uses:  make(map[*ast.Ident]types.Object),
	}
	if _, err := new(types.Config).Check("p", fset, []*ast.File{f}, info); err != nil {
		t.Fatal(err)
	}
	pa := &pkgAnalysis{info: info}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fd.Name.Name == "stop" {
			continue
		}
		name := fd.Name.Name
		got := pa.allReachable(fd.Body.List)
		want := strings.HasPrefix(name, "ok")
		if got != want {
			t.Errorf("%s: allReachable = %v, want %v", name, got, want)
		}
		dead := false
		for _, b := range cfg.New(fd.Body, pa.mayReturn).Blocks {
			dead = dead || !b.Live && len(b.Nodes) > 0
		}
		if got && dead {
			t.Errorf("%s: allReachable, but the CFG has dead code", name)
		}
		if strings.HasPrefix(name, "dead") && !dead {
			t.Errorf("%s: the CFG has no dead code", name)
		}
	}
}
