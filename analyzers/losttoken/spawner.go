package losttoken

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/types/typeutil"
)

// Spawner is the fact of a function or method that runs some of its
// function parameters only in a Context of their own: it passes them to
// ctxvar.Spawn, Bind, BindErr, BindArg, RunContext, (*Context).Run,
// ctxvarhttp.Hook, a subtest's Run or another spawner, or calls them only
// inside a function literal that it passes to one of those
// (func Go(fn func()) { ctxvar.Spawn(fn) }). A function literal passed to
// it there is silent, as one passed to Spawn.
type Spawner struct {
	Params []int // the indexes of those parameters, from 0, in order
}

// AFact implements analysis.Fact.
func (*Spawner) AFact() {}

func (s *Spawner) String() string {
	var ps []string
	for _, p := range s.Params {
		ps = append(ps, fmt.Sprint(p+1))
	}
	if len(ps) == 1 {
		return "runs its parameter " + ps[0] + " in a Context of its own"
	}
	return "runs its parameters " + strings.Join(ps, ", ") + " in Contexts of their own"
}

// hasFuncParam reports whether sig has a parameter of function type.
func hasFuncParam(sig *types.Signature) bool {
	for p := range sig.Params().Variables() {
		if _, ok := p.Type().Underlying().(*types.Signature); ok {
			return true
		}
	}
	return false
}

// spawnerOf returns the Spawner fact of fn's origin, or nil.
func (c *checker) spawnerOf(fn *types.Func) *Spawner {
	if fn == nil {
		return nil
	}
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.spawners[fn]
	}
	s, ok := c.importedSpawners[fn]
	if !ok {
		if hasFuncParam(fn.Signature()) {
			f := new(Spawner)
			if c.pass.ImportObjectFact(fn, f) {
				s = f
			}
		}
		c.importedSpawners[fn] = s
	}
	return s
}

// ownContextArg reports whether argument i of call, whose static callee is
// callee, runs in a Context of its own: any argument of Spawn and the like,
// the arguments of a spawner's parameters.
func (c *checker) ownContextArg(call *ast.CallExpr, callee *types.Func, i int) bool {
	if callee == nil {
		return false
	}
	if c.runsInOwnContext(callee) || isSubtest(callee) {
		return true
	}
	s := c.spawnerOf(callee)
	if s == nil || call.Ellipsis.IsValid() {
		return false
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := c.pass.TypesInfo.Selections[sel]; s != nil && s.Kind() == types.MethodExpr {
			i-- // the receiver comes first
		}
	}
	return slices.Contains(s.Params, i)
}

// A spawnerUse is a reference to a function parameter of a candidate
// spawner that runs it in a Context of its own, provided that callee, when
// not nil, is a spawner of its argument arg.
type spawnerUse struct {
	call   *ast.CallExpr
	callee *types.Func
	arg    int
}

// findSpawners finds the package's spawners, records them in c.spawners
// and exports their facts. A spawner may pass its parameter to another:
// the search repeats until no more are found.
func (c *checker) findSpawners() {
	info := c.pass.TypesInfo
	type candidate struct {
		fn   *types.Func
		uses map[int][]spawnerUse // by parameter index; nil uses for a parameter that is out
	}
	var cands []*candidate
	for _, f := range c.pass.Files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := info.Defs[fd.Name].(*types.Func)
			if !ok || !hasFuncParam(fn.Signature()) {
				continue
			}
			params := make(map[*types.Var]int)
			sig := fn.Signature()
			for i := range sig.Params().Len() {
				p := sig.Params().At(i)
				if _, ok := p.Type().Underlying().(*types.Signature); ok && p.Name() != "" && p.Name() != "_" &&
					!(sig.Variadic() && i == sig.Params().Len()-1) {
					params[p] = i
				}
			}
			if len(params) == 0 {
				continue
			}
			cand := &candidate{fn: fn, uses: make(map[int][]spawnerUse)}
			out := make(map[int]bool)
			c.paramUses(fd.Body, params, func(i int, u spawnerUse, ok bool) {
				if !ok {
					out[i] = true
					return
				}
				cand.uses[i] = append(cand.uses[i], u)
			})
			for i := range out {
				delete(cand.uses, i)
			}
			if len(cand.uses) > 0 {
				cands = append(cands, cand)
			}
		}
	}
	found := make(map[*types.Func][]int)
	for changed := true; changed; {
		changed = false
		for _, cand := range cands {
			for i, uses := range cand.uses {
				if slices.Contains(found[cand.fn], i) {
					continue
				}
				ok := true
				for _, u := range uses {
					if u.callee != nil && !c.ownContextArg(u.call, u.callee, u.arg) {
						ok = false
						break
					}
				}
				if ok {
					found[cand.fn] = append(found[cand.fn], i)
					slices.Sort(found[cand.fn])
					c.spawners[cand.fn] = &Spawner{Params: found[cand.fn]}
					changed = true
				}
			}
		}
	}
	for _, cand := range cands {
		if s := c.spawners[cand.fn]; s != nil {
			c.pass.ExportObjectFact(cand.fn, s)
		}
	}
}

// paramUses walks body and reports each reference to one of params (by
// index): ok with a use whose callee, if any, must be a spawner of that
// argument; not ok for a reference that may run it in the caller's Context,
// or change it.
func (c *checker) paramUses(body *ast.BlockStmt, params map[*types.Var]int, report func(i int, u spawnerUse, ok bool)) {
	info := c.pass.TypesInfo
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		id, ok := n.(*ast.Ident)
		if !ok {
			stack = append(stack, n)
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok {
			return false
		}
		i, ok := params[v]
		if !ok {
			return false
		}
		call, ok := stack[len(stack)-1].(*ast.CallExpr)
		if !ok {
			report(i, spawnerUse{}, false)
			return false
		}
		if call.Fun == id {
			// A call of the parameter: in a literal that runs in a
			// Context of its own, the innermost around it, and not by a
			// go statement in it.
			for j := len(stack) - 2; j >= 1; j-- {
				if _, ok := stack[j].(*ast.GoStmt); ok {
					break
				}
				lit, ok := stack[j].(*ast.FuncLit)
				if !ok {
					continue
				}
				outer, ok := stack[j-1].(*ast.CallExpr)
				if !ok {
					break
				}
				k := slices.Index(outer.Args, ast.Expr(lit))
				callee, _ := typeutil.Callee(info, outer).(*types.Func)
				if k < 0 || callee == nil {
					break
				}
				report(i, spawnerUse{call: outer, callee: callee, arg: k}, true)
				return false
			}
			report(i, spawnerUse{}, false)
			return false
		}
		k := slices.Index(call.Args, ast.Expr(id))
		callee, _ := typeutil.Callee(info, call).(*types.Func)
		if k < 0 || callee == nil {
			report(i, spawnerUse{}, false)
			return false
		}
		report(i, spawnerUse{call: call, callee: callee, arg: k}, true)
		return false
	})
}
