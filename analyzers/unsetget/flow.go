package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/cfg"
)

// A state is what holds on every path to a point of a function. The
// analysis is a must analysis: states are intersected where paths join,
// and a Get is reported (or required of the caller) where the fact that
// its Var is set does not hold. Facts err towards holding: where the
// analysis cannot tell (an escaping closure that may Set, a Reset with a
// token of unknown origin), it adds the fact, so that it stays silent.
//
// Besides the Vars that are set, a state holds facts about the flow's
// locals, numbered by the flow: that the Var was set before the Set that
// returned a token, that the Var a deferred Reset restores was set before
// its token's Set, and which Vars were set when a Context was copied or a
// snapshot of it stored in a context.Context.
type state struct {
	vars  varSet   // the Vars that are set
	local []uint64 // token and deferred-Reset facts, by tokNum and dfrNum
	ctx   []varSet // by ctxNum: the Vars set when the Context was copied, or its snapshot taken
}

func (f *flow) newState() *state {
	st := &state{local: make([]uint64, (f.nlocal+63)/64)}
	if len(f.ctxNum) > 0 {
		st.ctx = make([]varSet, len(f.ctxNum))
	}
	return st
}

func (s *state) hasVar(i int) bool { return s.vars.has(i) }

func (s *state) addVars(vs *varSet) { s.vars.addAll(vs) }

// hasLocal and putLocal read and write the i'th local fact.
func (s *state) hasLocal(i int) bool { return s.local[i>>6]&(1<<(uint(i)&63)) != 0 }

func (s *state) putLocal(i int, holds bool) {
	if holds {
		s.local[i>>6] |= 1 << (uint(i) & 63)
	} else {
		s.local[i>>6] &^= 1 << (uint(i) & 63)
	}
}

// varsSet returns a copy of the Vars set in s.
func (s *state) varsSet() *varSet { return s.vars.clone() }

func (s *state) clone() *state {
	// One allocation holds the words of vars and local.
	nv, nl := len(s.vars.w), len(s.local)
	buf := make([]uint64, nv+nl)
	copy(buf, s.vars.w)
	copy(buf[nv:], s.local)
	c := &state{vars: varSet{w: buf[:nv:nv]}, local: buf[nv:]}
	if s.ctx != nil {
		c.ctx = make([]varSet, len(s.ctx))
		for i := range s.ctx {
			c.ctx[i].w = slices.Clone(s.ctx[i].w)
		}
	}
	return c
}

// copyFrom makes s a copy of t, reusing the memory s holds.
func (s *state) copyFrom(t *state) {
	s.vars.w = append(s.vars.w[:0], t.vars.w...)
	s.local = append(s.local[:0], t.local...)
	if t.ctx == nil {
		s.ctx = nil
		return
	}
	s.ctx = slices.Grow(s.ctx[:0], len(t.ctx))[:len(t.ctx)]
	for i := range t.ctx {
		s.ctx[i].w = append(s.ctx[i].w[:0], t.ctx[i].w...)
	}
}

// meet intersects s with t and reports whether s changed.
func (s *state) meet(t *state) bool {
	changed := s.vars.meet(&t.vars)
	for k, x := range s.local {
		if y := t.local[k]; x&^y != 0 {
			s.local[k] = x & y
			changed = true
		}
	}
	for i := range s.ctx {
		if s.ctx[i].meet(&t.ctx[i]) {
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
	v     int         // the Var's number, for deferReset, deferGet, deferSet
	fn    *types.Func // deferCall
	lit   *ast.FuncLit
	first bool // in the entry block, so registered on every path that returns
}

// A bodyInfo is what the analysis of a function body needs that does not
// depend on the state it starts in: its control-flow graph, its deferred
// calls, and the locals whose values it can follow. A body is analyzed
// once per Context it may start in, so this is worked out once.
type bodyInfo struct {
	g        *cfg.CFG
	tokens   map[*types.Var]bool    // locals that only ever hold tokens returned by Set
	ctxs     map[*types.Var]bool    // locals defined once by ctxvar.Copy() and used once, by Run
	snaps    map[*types.Var]bool    // locals defined once by ctxvar.WithCurrent and never assigned again
	guards   map[*types.Var]int     // locals only ever assigned the ok result of a Var's Lookup, to its Var's number
	tokNum   map[*types.Var]int     // numbers of the tokens' local facts
	dfrNum   map[*ast.DeferStmt]int // numbers of the deferred Resets' local facts
	ctxNum   map[*types.Var]int     // indexes of ctxs and snaps in state.ctx
	nlocal   int                    // local facts
	caseExpr map[ast.Expr]bool      // case expressions of switches with a tag: not conditions
	defers   []*deferred
	deferOf  map[*ast.DeferStmt]*deferred
	cyclic   map[*cfg.Block]bool
	recovers bool // a deferred call may recover a panic
}

// flow analyzes one function body.
type flow struct {
	*bodyInfo
	c        *checker
	preSet   map[*ast.CallExpr]bool // whether a Set's Var was set just before it
	final    bool
	findings []finding
	block    *cfg.Block
	scratch  *state // what transfer returns
}

type result struct {
	findings []finding
	exit     *varSet // Vars set when the function returns, after its deferred calls
}

// analyze runs the must-be-set analysis over body, a function entered with
// the Vars in initial set, and returns the Gets that may find their Var
// unset and what is set when the function returns.
func (c *checker) analyze(body *ast.BlockStmt, initial *varSet) result {
	c.at.At(body.Pos())
	f := c.newFlow(body)
	g := f.g
	start := f.newState()
	start.addVars(initial)
	// Token and deferred-Reset facts start out vacuously true: a token no
	// Set has returned yet is nil, and resetting it panics anyway.
	for i := range f.nlocal {
		start.putLocal(i, true)
	}
	in := make([]*state, len(g.Blocks)) // nil: not reached (yet)
	in[0] = start
	// A block whose state at entry has not changed since it was last
	// visited would give its successors what they already have: only the
	// others (dirty) are visited, in the same order as they would be if
	// all were.
	dirty := make([]bool, len(g.Blocks))
	dirty[0] = true
	for changed := true; changed; {
		changed = false
		for _, b := range g.Blocks {
			if !dirty[b.Index] {
				continue
			}
			dirty[b.Index] = false
			out := f.transfer(b, in[b.Index])
			for i, s := range b.Succs {
				if f.infeasible(b, i) {
					continue
				}
				o := out
				if vs := f.implied(b, i); !vs.empty() {
					o = out.clone()
					o.addVars(vs)
				}
				if in[s.Index] == nil {
					in[s.Index] = o.clone()
					dirty[s.Index] = true
					changed = true
				} else if in[s.Index].meet(o) {
					dirty[s.Index] = true
					changed = true
				}
			}
		}
	}
	f.final = true
	var exit *state
	for _, b := range g.Blocks {
		if in[b.Index] == nil {
			continue
		}
		out := f.transfer(b, in[b.Index])
		if n := len(b.Nodes); n > 0 {
			if _, ok := b.Nodes[n-1].(*ast.ReturnStmt); ok {
				if exit == nil {
					exit = out.clone()
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
func (f *flow) atExit(exit *state) *varSet {
	sets := newVarSet()
	if exit == nil {
		return sets // the function never returns normally
	}
	for i, d := range f.defers {
		if !d.first {
			continue
		}
		switch d.kind {
		case deferGet:
			if !f.varsWhenRun(i, exit).has(d.v) {
				pos := d.stmt.Call.Pos()
				f.findings = append(f.findings, finding{pos: pos, v: f.c.varIDs[d.v], get: f.c.where(pos)})
			}
		case deferCall:
			if s := f.c.summaryOf(d.fn); s != nil {
				vars := f.varsWhenRun(i, exit)
				for j, r := range s.requires {
					if !vars.has(s.reqVars[j]) {
						f.findings = append(f.findings, finding{pos: d.stmt.Call.Pos(), v: r.Var, get: r.Get, via: f.c.funcName(d.fn)})
					}
				}
			}
		case deferLit:
			f.findings = append(f.findings, f.c.analyze(d.lit.Body, f.varsWhenRun(i, exit)).findings...)
		}
	}

	sets.addAll(&exit.vars)
	resets := make(map[int][]*deferred)
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
		sets.remove(v)
		for _, d := range ds {
			if exit.hasLocal(f.dfrNum[d.stmt]) {
				sets.add(v)
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
func (f *flow) varsWhenRun(i int, exit *state) *varSet {
	vars := exit.varsSet()
	later := f.defers[i+1:]
	changed := newVarSet()
	for _, l := range later {
		changed.addAll(f.affects(l))
	}
	for v := range changed.all() {
		set, known := exit.hasVar(v), true
		for _, l := range later {
			if !f.affects(l).has(v) {
				continue
			}
			if l.kind != deferReset || !l.first {
				known = false
				break
			}
			set = exit.hasLocal(f.dfrNum[l.stmt])
			break
		}
		if !known || set {
			vars.add(v)
		} else {
			vars.remove(v)
		}
	}
	return vars
}

// affects returns the Vars a deferred call may change.
func (f *flow) affects(d *deferred) *varSet {
	switch d.kind {
	case deferReset, deferSet:
		s := newVarSet()
		s.add(d.v)
		return s
	case deferCall:
		return f.c.maySetOf(d.fn)
	case deferLit:
		return f.c.litMaySet(d.lit)
	}
	return nil
}
