package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/cfg"
)

// A fact is something that holds on every path to a point of a function.
// The analysis is a must analysis: facts are intersected where paths join,
// and a Get is reported (or required of the caller) where the fact that its
// Var is set does not hold. Facts err towards holding: where the analysis
// cannot tell (an escaping closure that may Set, a Reset with a token of
// unknown origin), it adds the fact, so that it stays silent.
type fact struct {
	v   VarID          // the Var is set (alone), or was set when ctx was copied (with ctx)
	tok *types.Var     // the Var was set before the Set that returned this token
	ctx *types.Var     // see v
	dfr *ast.DeferStmt // the Var this deferred Reset restores was set before its token's Set
}

type state map[fact]struct{}

func (s state) has(f fact) bool { _, ok := s[f]; return ok }

func (s state) put(f fact, holds bool) {
	if holds {
		s[f] = struct{}{}
	} else {
		delete(s, f)
	}
}

func (s state) hasVar(v VarID) bool { return s.has(fact{v: v}) }

func (s state) addVars(vs varSet) {
	for _, v := range vs {
		s[fact{v: v}] = struct{}{}
	}
}

// vars returns the Vars set in s.
func (s state) vars() varSet {
	vs := make(varSet)
	for f := range s {
		if f.ctx == nil && f.v != (VarID{}) {
			vs[f.v.key()] = f.v
		}
	}
	return vs
}

func (s state) clone() state {
	c := make(state, len(s))
	for f := range s {
		c[f] = struct{}{}
	}
	return c
}

// meet intersects s with t and reports whether s changed.
func (s state) meet(t state) bool {
	changed := false
	for f := range s {
		if !t.has(f) {
			delete(s, f)
			changed = true
		}
	}
	return changed
}

// A finding is a Get that can run while its Var is unset, as far as the
// function being analyzed knows: a report if the function is an entry, a
// requirement on its callers otherwise.
type finding struct {
	pos token.Pos // the Get, or the call that leads to it
	v   VarID
	get string // where the Get is, as file.go:line
	via string // the function called at pos that leads to the Get; "" for a Get at pos

	// async marks a Get that runs later or on another goroutine (in a
	// function given to Spawn or Bind), where a recover here cannot catch it.
	async bool
}

type deferKind int

const (
	deferOther deferKind = iota
	deferReset
	deferGet
	deferSet
	deferCall
	deferLit
)

type deferred struct {
	stmt  *ast.DeferStmt
	kind  deferKind
	v     VarID       // deferReset, deferGet, deferSet
	fn    *types.Func // deferCall
	lit   *ast.FuncLit
	first bool // in the entry block, so registered on every path that returns
}

// flow analyzes one function body.
type flow struct {
	c        *checker
	g        *cfg.CFG
	tokens   map[*types.Var]bool  // locals that only ever hold tokens returned by Set
	ctxs     map[*types.Var]bool  // locals defined once by ctxvar.Copy() and used once, by Run
	guards   map[*types.Var]VarID // locals only ever assigned the ok result of a Var's Lookup
	caseExpr map[ast.Expr]bool    // case expressions of switches with a tag: not conditions
	defers   []*deferred
	deferOf  map[*ast.DeferStmt]*deferred
	preSet   map[*ast.CallExpr]bool // whether a Set's Var was set just before it
	final    bool
	findings []finding
	block    *cfg.Block
	cyclic   map[*cfg.Block]bool
	recovers bool // a deferred call may recover a panic
}

type result struct {
	findings []finding
	exit     varSet // Vars set when the function returns, after its deferred calls
}

// analyze runs the must-be-set analysis over body, a function entered with
// the Vars in initial set, and returns the Gets that may find their Var
// unset and what is set when the function returns.
func (c *checker) analyze(body *ast.BlockStmt, initial varSet) result {
	c.at.At(body.Pos())
	f := c.newFlow(body)
	g := f.g
	start := make(state)
	start.addVars(initial)
	// Token and deferred-Reset facts start out vacuously true: a token no
	// Set has returned yet is nil, and resetting it panics anyway.
	for t := range f.tokens {
		start.put(fact{tok: t}, true)
	}
	for _, d := range f.defers {
		if d.kind == deferReset {
			start.put(fact{dfr: d.stmt}, true)
		}
	}
	in := make([]state, len(g.Blocks)) // nil: not reached (yet)
	in[0] = start
	for changed := true; changed; {
		changed = false
		for _, b := range g.Blocks {
			if in[b.Index] == nil {
				continue
			}
			out := f.transfer(b, in[b.Index])
			for i, s := range b.Succs {
				if f.infeasible(b, i) {
					continue
				}
				o := out
				if vs := f.implied(b, i); len(vs) > 0 {
					o = out.clone()
					o.addVars(vs)
				}
				if in[s.Index] == nil {
					in[s.Index] = o.clone()
					changed = true
				} else if in[s.Index].meet(o) {
					changed = true
				}
			}
		}
	}
	f.final = true
	var exit state
	for _, b := range g.Blocks {
		if in[b.Index] == nil {
			continue
		}
		out := f.transfer(b, in[b.Index])
		if n := len(b.Nodes); n > 0 {
			if _, ok := b.Nodes[n-1].(*ast.ReturnStmt); ok {
				if exit == nil {
					exit = out
				} else {
					exit.meet(out)
				}
			}
		}
	}
	exitSets := f.atExit(exit)
	findings := f.findings
	if f.recovers {
		// A panic here, or in what it calls on this goroutine, is
		// recovered: only what runs elsewhere can crash.
		findings = slices.DeleteFunc(findings, func(fd finding) bool { return !fd.async })
	}
	return result{findings: findings, exit: exitSets}
}

// atExit checks the deferred calls against the state at return, and works
// out what stays set once they have run.
func (f *flow) atExit(exit state) varSet {
	sets := make(varSet)
	if exit == nil {
		return sets // the function never returns normally
	}
	for i, d := range f.defers {
		if !d.first {
			continue
		}
		switch d.kind {
		case deferGet:
			if _, ok := f.varsWhenRun(i, exit)[d.v.key()]; !ok {
				pos := d.stmt.Call.Pos()
				f.findings = append(f.findings, finding{pos: pos, v: d.v, get: f.c.where(pos)})
			}
		case deferCall:
			if s := f.c.summaryOf(d.fn); s != nil {
				vars := f.varsWhenRun(i, exit)
				for _, r := range s.requires {
					if _, ok := vars[r.Var.key()]; !ok {
						f.findings = append(f.findings, finding{pos: d.stmt.Call.Pos(), v: r.Var, get: r.Get, via: f.c.funcName(d.fn)})
					}
				}
			}
		case deferLit:
			f.findings = append(f.findings, f.c.analyze(d.lit.Body, f.varsWhenRun(i, exit)).findings...)
		}
	}

	sets.addAll(exit.vars())
	resets := make(map[VarID][]*deferred)
	for _, d := range f.defers {
		switch d.kind {
		case deferReset:
			resets[d.v] = append(resets[d.v], d)
		case deferSet, deferCall, deferLit:
			sets.addAll(f.affects(d))
		}
	}
	// The deferred Resets of a Var leave it as it was before one of their
	// Sets; call it set if it was set before any of them.
	for v, ds := range resets {
		delete(sets, v.key())
		for _, d := range ds {
			if exit.has(fact{dfr: d.stmt}) {
				sets[v.key()] = v
				break
			}
		}
	}
	return sets
}

// varsWhenRun returns the Vars set when the i'th deferred call runs, on
// return. Deferred calls run last-registered first, so the ones registered
// after it have run by then. The state is known when those that change a
// Var are Resets registered on every path: the Var is then as it was
// before the Set of the first of them, which runs last. Otherwise the Var
// counts as set.
func (f *flow) varsWhenRun(i int, exit state) varSet {
	vars := exit.vars()
	later := f.defers[i+1:]
	changed := make(varSet)
	for _, l := range later {
		changed.addAll(f.affects(l))
	}
	for k, v := range changed {
		set, known := exit.hasVar(v), true
		for _, l := range later {
			if _, ok := f.affects(l)[k]; !ok {
				continue
			}
			if l.kind != deferReset || !l.first {
				known = false
				break
			}
			set = exit.has(fact{dfr: l.stmt})
			break
		}
		if !known || set {
			vars[k] = v
		} else {
			delete(vars, k)
		}
	}
	return vars
}

// affects returns the Vars a deferred call may change.
func (f *flow) affects(d *deferred) varSet {
	switch d.kind {
	case deferReset, deferSet:
		return varSet{d.v.key(): d.v}
	case deferCall:
		return f.c.maySetOf(d.fn)
	case deferLit:
		return f.c.litMaySet(d.lit)
	}
	return nil
}
