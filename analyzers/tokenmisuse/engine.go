package tokenmisuse

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strconv"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// Limits past which the engine gives up on a unit, and reports nothing in
// it: the states at one block, and the statements run in all.
const (
	maxStates = 256
	maxSteps  = 200000
)

// An engine runs one unit over its control-flow graphs, following each
// path with its own state, and collects the findings.
type engine struct {
	c *checker
	u *unit

	sum *summaryRun // non-nil when the engine computes a summary

	steps  int
	bailed bool

	ctxs  []ctxInfo
	ctxOf map[ctxKey]int32

	diags []analysis.Diagnostic
	seen  map[diagKey]bool

	asyncDone map[string]bool
	calls     map[token.Pos]*ast.CallExpr // the Resets and Sets met, by position
	siteVar   map[token.Pos]string        // the variable each Set's token is first assigned to
}

// A Context as the engine tells them apart: the Context of an activation
// (the unit's own body, or the body of a literal that runs on another
// goroutine or in a copy of the Context), or the Context a Run enters.
type ctxInfo struct {
	kind ctxKind
	act  *activation   // ctxOwn
	run  *ast.CallExpr // the Run or RunContext call
}

type ctxKind uint8

const (
	ctxOwn        ctxKind = iota
	ctxRunFresh           // a Context made for the call: RunContext, ctxvar.Copy().Run
	ctxRunVar             // c.Run with c a local variable assigned once
	ctxRunUnknown         // a Run of another Context
)

type ctxKey struct {
	kind ctxKind
	pos  token.Pos
	v    *types.Var
}

type diagKey struct {
	pos  token.Pos
	kind string
}

// A summaryRun collects, while the engine runs a function for its summary,
// whether the function's exits agree.
type summaryRun struct {
	result   int // the index of the token result, or -1
	nresults int // how many results the function has
}

func newEngine(c *checker, u *unit, sum *summaryRun) *engine {
	e := &engine{
		c:         c,
		u:         u,
		sum:       sum,
		ctxOf:     make(map[ctxKey]int32),
		seen:      make(map[diagKey]bool),
		asyncDone: make(map[string]bool),
		calls:     make(map[token.Pos]*ast.CallExpr),
		siteVar:   make(map[token.Pos]string),
	}
	e.ownCtx(u.root) // context 0
	return e
}

func (e *engine) internCtx(k ctxKey, info ctxInfo) int32 {
	if id, ok := e.ctxOf[k]; ok {
		return id
	}
	id := int32(len(e.ctxs))
	e.ctxs = append(e.ctxs, info)
	e.ctxOf[k] = id
	return id
}

// ownCtx returns the Context of activation a: the unit's Context for the
// activations that run in it, or one of a's own.
func (e *engine) ownCtx(a *activation) int32 {
	var pos token.Pos
	if a.lit != nil {
		pos = a.lit.Pos()
	}
	return e.internCtx(ctxKey{kind: ctxOwn, pos: pos}, ctxInfo{kind: ctxOwn, act: a})
}

// differ reports whether Contexts x and y are surely different. The
// Context a function runs in is never one a Run in it enters, as Run
// panics on an entered Context; Run on a Context made for the call enters
// one that nothing else holds.
func (e *engine) differ(x, y int32) bool {
	if x == y {
		return false
	}
	kx, ky := e.ctxs[x].kind, e.ctxs[y].kind
	if kx == ctxOwn || ky == ctxOwn {
		return true
	}
	return kx == ctxRunFresh || ky == ctxRunFresh
}

// entry returns the state at the start of the unit.
func (e *engine) entry() *state {
	s := &state{
		vars:  make([]val, len(e.u.vars)),
		atoms: make([]int8, len(e.u.atoms)),
	}
	return s
}

// analyze runs the unit from its entry.
func (e *engine) analyze() {
	e.run(e.u.root, e.u.body, []*state{e.entry()}, 0)
}

// run runs body, the body of activation a, from the entry states, with ctx
// as the current Context, and returns the states at its returns, after its
// deferred calls have run and the caller's Context is back.
func (e *engine) run(a *activation, body *ast.BlockStmt, entries []*state, ctx int32) []*state {
	if e.bailed {
		return nil
	}
	g := e.c.graph(body)
	type blockStates struct {
		seen  map[string]bool
		queue []*state
	}
	bs := make([]blockStates, len(g.Blocks))
	inWork := make([]bool, len(g.Blocks))
	var work []int32
	push := func(b *cfg.Block, s *state) {
		if s == nil || s.dead || e.bailed {
			return
		}
		s.compact()
		k := s.key()
		x := &bs[b.Index]
		if x.seen == nil {
			x.seen = make(map[string]bool)
		}
		if x.seen[k] {
			return
		}
		x.seen[k] = true
		if len(x.seen) > maxStates {
			e.bailed = true
			return
		}
		x.queue = append(x.queue, s)
		if !inWork[b.Index] {
			inWork[b.Index] = true
			work = append(work, b.Index)
		}
	}
	for _, s := range entries {
		s = s.clone()
		s.frames = append(s.frames, frame{prevCtx: s.ctx})
		s.ctx = ctx
		push(g.Blocks[0], s)
	}
	var exits []*state
	for len(work) > 0 && !e.bailed {
		i := work[len(work)-1]
		work = work[:len(work)-1]
		inWork[i] = false
		b := g.Blocks[i]
		queue := bs[i].queue
		bs[i].queue = nil
		for _, s := range queue {
			outs := []*state{s}
			for _, n := range b.Nodes {
				var next []*state
				for _, o := range outs {
					next = append(next, e.node(a, o, n)...)
				}
				outs = next
				if len(outs) == 0 || e.bailed {
					break
				}
			}
			for _, o := range outs {
				if o.dead {
					continue
				}
				if b.Return() != nil {
					exits = append(exits, e.exit(a, o)...)
					continue
				}
				switch len(b.Succs) {
				case 1:
					push(b.Succs[0], o)
				case 2:
					if cond := e.cond(b); cond != nil {
						t, f := e.branch(o, cond)
						push(b.Succs[0], t)
						push(b.Succs[1], f)
					} else {
						push(b.Succs[0], o)
						push(b.Succs[1], o.clone())
					}
				}
			}
		}
	}
	if e.bailed {
		return nil
	}
	return exits
}

// exit runs the deferred calls of the body that returns in state s, last
// first, and returns to the caller's Context.
func (e *engine) exit(a *activation, s *state) []*state {
	states := []*state{s}
	for {
		var next []*state
		done := true
		for _, s := range states {
			f := &s.frames[len(s.frames)-1]
			if len(f.defers) == 0 {
				next = append(next, s)
				continue
			}
			done = false
			d := f.defers[len(f.defers)-1]
			f.defers = f.defers[:len(f.defers)-1]
			next = append(next, e.runDeferred(a, s, d)...)
		}
		states = next
		if done || e.bailed {
			break
		}
	}
	for _, s := range states {
		f := s.frames[len(s.frames)-1]
		s.frames = s.frames[:len(s.frames)-1]
		s.ctx = f.prevCtx
	}
	return states
}

// runDeferred runs a deferred call when its body returns.
func (e *engine) runDeferred(a *activation, s *state, d deferred) []*state {
	call := d.stmt.Call
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		if act := e.u.acts[lit]; act != nil && act.kind == litDefer {
			return e.inline(act, s, d.vals, s.ctx)
		}
		return []*state{s}
	}
	if e.c.api.Callee(e.c.pass.TypesInfo, call) == e.c.api.Reset {
		if len(d.vals) == 1 {
			e.reset(a, s, call, d.key, d.vals[0], d.stmt)
		}
		return []*state{s}
	}
	if sum := e.c.summaryOf(e.callee(call)); sum != nil {
		for i, p := range sum.resets {
			if p < len(d.vals) {
				e.reset(a, s, call, sum.resetKeys[i], d.vals[p], d.stmt)
			}
		}
	}
	return []*state{s}
}

// inline runs the body of act, a function literal that runs in place, with
// its parameters bound to args, in Context ctx, and returns the states at
// its returns.
func (e *engine) inline(act *activation, s *state, args []val, ctx int32) []*state {
	if s.dead {
		return nil
	}
	s = s.clone()
	e.bind(act, s, args)
	return e.run(act, act.lit.Body, []*state{s}, ctx)
}

// bind binds the parameters of a literal to the values of its arguments.
func (e *engine) bind(act *activation, s *state, args []val) {
	ft := act.lit.Type
	if ft.Params == nil {
		return
	}
	i := 0
	for _, f := range ft.Params.List {
		names := f.Names
		if len(names) == 0 {
			i++
			continue
		}
		for _, name := range names {
			if v, ok := e.c.pass.TypesInfo.Defs[name].(*types.Var); ok {
				if idx, ok := e.u.varIdx[v]; ok {
					x := vUnknown
					if i < len(args) {
						x = args[i]
					}
					s.vars[idx] = x
				}
			}
			i++
		}
	}
}

// async runs the body of act, a function literal that runs on another
// goroutine or in a copy of the Context, from state s at the point that
// starts it, for the findings inside it only: the states it ends in are
// dropped.
func (e *engine) async(act *activation, s *state, args []val) {
	if s.dead || e.bailed {
		return
	}
	n := s.clone()
	n.frames = nil
	n.ret = vUnknown
	for i, tv := range e.u.vars {
		// The literal reads the variables of its enclosing functions when
		// it runs, not when it starts: only the variables assigned once,
		// and already, keep their value.
		if within(tv.act, act) {
			n.vars[i] = vUnknown
			continue
		}
		if tv.assigns != 1 || !tv.defined || n.vars[i] <= 0 {
			n.vars[i] = vUnknown
		}
	}
	for i := range n.toks {
		r := &n.toks[i]
		if r.status == live {
			r.status = unsure
		}
		r.stale = nil
	}
	for i := range n.atoms {
		n.atoms[i] = 0
	}
	e.bind(act, n, args)
	n.compact()
	k := strconv.Itoa(int(act.lit.Pos())) + ":" + n.key()
	if e.asyncDone[k] {
		return
	}
	e.asyncDone[k] = true
	n.ctx = e.ownCtx(act) // the frame pushed by run restores it; it is dropped anyway
	e.run(act, act.lit.Body, []*state{n}, e.ownCtx(act))
}

// within reports whether activation x is a or one nested in it.
func within(x, a *activation) bool {
	for ; x != nil; x = x.parent {
		if x == a {
			return true
		}
	}
	return false
}

// step counts a statement run, and gives up past the limit.
func (e *engine) step() bool {
	e.steps++
	if e.steps > maxSteps {
		e.bailed = true
	}
	return !e.bailed
}

// node runs one node of a block in state s and returns the states after
// it.
func (e *engine) node(a *activation, s *state, n ast.Node) []*state {
	if !e.step() || s.dead {
		return nil
	}
	s = s.clone()
	info := e.c.pass.TypesInfo
	switch n := n.(type) {
	case *ast.AssignStmt:
		e.assign(a, s, n)
	case *ast.ValueSpec:
		e.valueSpec(a, s, n)
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(n.X).(*ast.CallExpr); ok {
			if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
				if act := e.u.acts[lit]; act != nil && act.kind == litInline {
					args := e.args(a, s, call.Args)
					return e.inline(act, s, args, s.ctx)
				}
			}
			for _, arg := range call.Args {
				if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
					if act := e.u.acts[lit]; act != nil && act.kind == litRun {
						ctx := e.runCtx(a, s, call)
						return e.inline(act, s, nil, ctx)
					}
				}
			}
		}
		s.escape(e.eval(a, s, n.X))
	case *ast.DeferStmt:
		e.deferStmt(a, s, n)
	case *ast.GoStmt:
		e.goStmt(a, s, n)
	case *ast.ReturnStmt:
		capture := e.sum != nil && a == e.u.root && e.sum.result >= 0
		if capture {
			s.ret = vUnknown
		}
		for i, r := range n.Results {
			v := e.eval(a, s, r)
			if capture && i == e.sum.result && len(n.Results) == e.sum.nresults {
				s.ret = v
				continue
			}
			s.escape(v)
		}
	case *ast.Ident:
		if e.u.assignIdents[n] {
			// A range statement's key or value, or the variable of a
			// select case: assigned anew.
			if v, ok := info.ObjectOf(n).(*types.Var); ok {
				e.setVar(s, v, vUnknown, nil)
			}
			break
		}
		s.escape(e.eval(a, s, n))
	case ast.Expr:
		s.escape(e.eval(a, s, n))
	case ast.Stmt:
		e.walk(a, s, n)
	}
	if s.dead {
		return nil
	}
	return []*state{s}
}

// args evaluates the arguments of a call.
func (e *engine) args(a *activation, s *state, args []ast.Expr) []val {
	vals := make([]val, len(args))
	for i, x := range args {
		vals[i] = e.eval(a, s, x)
	}
	return vals
}

// assign runs an assignment.
func (e *engine) assign(a *activation, s *state, as *ast.AssignStmt) {
	info := e.c.pass.TypesInfo
	if as.Tok != token.ASSIGN && as.Tok != token.DEFINE {
		e.walk(a, s, as)
		for _, l := range as.Lhs {
			if id, ok := ast.Unparen(l).(*ast.Ident); ok {
				if v, ok := info.ObjectOf(id).(*types.Var); ok {
					e.setVar(s, v, vUnknown, nil)
				}
			}
		}
		return
	}
	var vals []val
	if len(as.Lhs) == len(as.Rhs) {
		vals = e.args(a, s, as.Rhs)
	} else if len(as.Rhs) == 1 {
		vals = e.results(a, s, as.Rhs[0], len(as.Lhs))
	}
	for i, l := range as.Lhs {
		x := vUnknown
		if i < len(vals) {
			x = vals[i]
		}
		var rhs ast.Expr
		if len(as.Lhs) == len(as.Rhs) {
			rhs = as.Rhs[i]
		}
		e.store(a, s, l, x, rhs)
	}
}

// results evaluates a call that returns n values.
func (e *engine) results(a *activation, s *state, x ast.Expr, n int) []val {
	vals := make([]val, n)
	call, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok {
		s.escape(e.eval(a, s, x))
		return vals
	}
	if sum := e.c.summaryOf(e.callee(call)); sum != nil && sum.makes >= 0 && sum.makes < n && sum.nresults == n {
		s.escape(e.eval(a, s, call.Fun))
		for _, arg := range call.Args {
			s.escape(e.eval(a, s, arg))
		}
		vals[sum.makes] = e.newToken(s, call, sum.makesKey)
		return vals
	}
	s.escape(e.eval(a, s, x))
	return vals
}

// store assigns x, the value of rhs (nil when unknown), to the left-hand
// side l.
func (e *engine) store(a *activation, s *state, l ast.Expr, x val, rhs ast.Expr) {
	info := e.c.pass.TypesInfo
	if id, ok := ast.Unparen(l).(*ast.Ident); ok {
		if id.Name == "_" {
			return
		}
		if v, ok := info.ObjectOf(id).(*types.Var); ok && !v.IsField() {
			e.setVar(s, v, x, rhs)
			return
		}
	}
	e.walk(a, s, l)
	s.escape(x)
}

// setVar records that local variable v now holds x, the value of rhs.
func (e *engine) setVar(s *state, v *types.Var, x val, rhs ast.Expr) {
	if idx, ok := e.u.varIdx[v]; ok {
		s.vars[idx] = x
		if r := s.tok(x); r != nil {
			if _, named := e.siteVar[r.site]; !named {
				e.siteVar[r.site] = v.Name()
			}
		}
		return
	}
	s.escape(x)
	if k, ok := e.c.localKey[v]; ok {
		// A new run of the declaration of a local Var: the tokens of the
		// Var it held before belong to another Var.
		for i := range s.toks {
			if s.toks[i].key == k {
				s.toks[i].key = 0
			}
		}
	}
	if i, ok := e.u.atoms[v]; ok {
		s.atoms[i] = 0
		if rhs != nil {
			if tv, ok := e.c.pass.TypesInfo.Types[rhs]; ok && tv.Value != nil && tv.Value.Kind() == constant.Bool {
				s.atoms[i] = 1 + int8(b2i(constant.BoolVal(tv.Value)))
			} else if ok && tv.IsNil() || isRecover(e.c.pass.TypesInfo, rhs) {
				s.atoms[i] = 1
			}
		}
	}
}

// valueSpec runs a var declaration in a function.
func (e *engine) valueSpec(a *activation, s *state, vs *ast.ValueSpec) {
	info := e.c.pass.TypesInfo
	var vals []val
	if len(vs.Values) == len(vs.Names) {
		vals = e.args(a, s, vs.Values)
	} else if len(vs.Values) == 1 {
		vals = e.results(a, s, vs.Values[0], len(vs.Names))
	}
	for i, name := range vs.Names {
		v, ok := info.Defs[name].(*types.Var)
		if !ok {
			continue
		}
		if len(vs.Values) == 0 {
			x := vUnknown
			if _, ok := e.u.varIdx[v]; ok {
				x = vNil
			}
			e.setVar(s, v, x, nil)
			if j, ok := e.u.atoms[v]; ok {
				s.atoms[j] = 1 // false, or nil
			}
			continue
		}
		x := vUnknown
		if i < len(vals) {
			x = vals[i]
		}
		var rhs ast.Expr
		if len(vs.Values) == len(vs.Names) {
			rhs = vs.Values[i]
		}
		e.setVar(s, v, x, rhs)
	}
}

// deferStmt schedules a deferred call.
func (e *engine) deferStmt(a *activation, s *state, d *ast.DeferStmt) {
	call := d.Call
	if e.u.loopDefers[d] {
		// Not modeled: the tokens it takes are out of sight.
		e.walk(a, s, call)
		return
	}
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		if act := e.u.acts[lit]; act != nil && act.kind == litDefer {
			vals := e.args(a, s, call.Args)
			top := &s.frames[len(s.frames)-1]
			top.defers = append(top.defers, deferred{stmt: d, vals: vals})
			return
		}
		e.walk(a, s, call)
		return
	}
	fn := e.callee(call)
	if fn != nil && fn.Origin() == e.c.api.Reset && len(call.Args) == 1 {
		recv := ctxvarapi.Receiver(call)
		e.evalOut(a, s, recv)
		v := e.eval(a, s, call.Args[0])
		e.calls[call.Pos()] = call
		top := &s.frames[len(s.frames)-1]
		top.defers = append(top.defers, deferred{stmt: d, key: e.c.varKey(e.u, recv), vals: []val{v}})
		return
	}
	if sum := e.c.summaryOf(fn); sum != nil && len(sum.resets) > 0 && !call.Ellipsis.IsValid() && !isMethodExpr(e.c.pass.TypesInfo, call) {
		e.evalOut(a, s, call.Fun)
		vals := e.args(a, s, call.Args)
		for i, v := range vals {
			if !slices.Contains(sum.resets, i) {
				s.escape(v)
			}
		}
		top := &s.frames[len(s.frames)-1]
		top.defers = append(top.defers, deferred{stmt: d, vals: vals})
		return
	}
	e.walk(a, s, call)
}

// goStmt runs a go statement: its function literal, or a Reset it starts,
// runs in another Context.
func (e *engine) goStmt(a *activation, s *state, g *ast.GoStmt) {
	call := g.Call
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		if act := e.u.acts[lit]; act != nil && act.kind == litAsync {
			args := e.args(a, s, call.Args)
			e.async(act, s, args)
			return
		}
	}
	if fn := e.callee(call); fn != nil && fn.Origin() == e.c.api.Reset && len(call.Args) == 1 {
		recv := ctxvarapi.Receiver(call)
		e.evalOut(a, s, recv)
		v := e.eval(a, s, call.Args[0])
		e.calls[call.Pos()] = call
		// The Reset runs on the new goroutine: check it there, on a copy.
		goAct := &activation{kind: litAsync, parent: a, how: "the goroutine the go statement starts"}
		n := s.clone()
		n.ctx = e.internCtx(ctxKey{kind: ctxOwn, pos: g.Pos()}, ctxInfo{kind: ctxOwn, act: goAct})
		if r := n.tok(v); r != nil && r.status == live {
			r.status = unsure
		}
		e.reset(goAct, n, call, e.c.varKey(e.u, recv), v, nil)
		return
	}
	e.walk(a, s, call)
}

// runCtx returns the Context that a call of Run or RunContext enters.
func (e *engine) runCtx(a *activation, s *state, call *ast.CallExpr) int32 {
	info := e.c.pass.TypesInfo
	fn := e.callee(call)
	if fn != nil && fn.Origin() == e.c.api.RunContext {
		for _, arg := range call.Args[:len(call.Args)-1] {
			e.evalOut(a, s, arg)
		}
		return e.internCtx(ctxKey{kind: ctxRunFresh, pos: call.Pos()}, ctxInfo{kind: ctxRunFresh, run: call})
	}
	recv := ctxvarapi.Receiver(call)
	if recv == nil {
		return e.internCtx(ctxKey{kind: ctxRunUnknown, pos: call.Pos()}, ctxInfo{kind: ctxRunUnknown, run: call})
	}
	e.evalOut(a, s, recv)
	if e.freshContext(recv) {
		return e.internCtx(ctxKey{kind: ctxRunFresh, pos: call.Pos()}, ctxInfo{kind: ctxRunFresh, run: call})
	}
	if id, ok := ast.Unparen(recv).(*ast.Ident); ok {
		if v, ok := info.Uses[id].(*types.Var); ok && e.u.stable[v] && e.c.isContext(v.Type()) {
			return e.internCtx(ctxKey{kind: ctxRunVar, v: v}, ctxInfo{kind: ctxRunVar, run: call})
		}
	}
	return e.internCtx(ctxKey{kind: ctxRunUnknown, pos: call.Pos()}, ctxInfo{kind: ctxRunUnknown, run: call})
}

// freshContext reports whether x makes a new Context: ctxvar.Copy(),
// c.Copy(), new(ctxvar.Context), &ctxvar.Context{}.
func (e *engine) freshContext(x ast.Expr) bool {
	info := e.c.pass.TypesInfo
	switch x := ast.Unparen(x).(type) {
	case *ast.CallExpr:
		if fn := e.c.api.Callee(info, x); fn != nil {
			return fn == e.c.api.Copy || fn == e.c.api.ContextCopy
		}
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "new" {
				return e.c.isContext(info.TypeOf(x))
			}
		}
	case *ast.UnaryExpr:
		if _, ok := ast.Unparen(x.X).(*ast.CompositeLit); ok && x.Op == token.AND {
			return e.c.isContext(info.TypeOf(x))
		}
	}
	return false
}

// callee returns the function or method a call calls statically, or nil.
func (e *engine) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(e.c.pass.TypesInfo, call).(*types.Func)
	return fn
}

// eval evaluates an expression and returns its value.
func (e *engine) eval(a *activation, s *state, x ast.Expr) val {
	info := e.c.pass.TypesInfo
	switch x := x.(type) {
	case *ast.ParenExpr:
		return e.eval(a, s, x.X)
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok {
			if idx, ok := e.u.varIdx[v]; ok {
				return s.vars[idx]
			}
			return vUnknown
		}
		if tv, ok := info.Types[x]; ok && tv.IsNil() {
			return vNil
		}
		return vUnknown
	case *ast.CallExpr:
		return e.call(a, s, x)
	case *ast.BinaryExpr:
		if x.Op == token.EQL || x.Op == token.NEQ {
			if isNil(info, x.X) || isNil(info, x.Y) {
				// A nil test reads the token without taking it
				// anywhere.
				e.eval(a, s, x.X)
				e.eval(a, s, x.Y)
				return vUnknown
			}
		}
	case *ast.FuncLit:
		return vUnknown
	case *ast.BasicLit:
		return vUnknown
	}
	e.walk(a, s, x)
	return vUnknown
}

// walk evaluates the children of n in order; the tokens they yield go
// where the engine cannot follow them.
func (e *engine) walk(a *activation, s *state, n ast.Node) {
	ast.Inspect(n, func(c ast.Node) bool {
		if c == nil || c == n {
			return true
		}
		switch c := c.(type) {
		case *ast.FuncLit:
			return false
		case ast.Expr:
			s.escape(e.eval(a, s, c))
			return false
		}
		return true
	})
}

// call evaluates a call and returns its value.
func (e *engine) call(a *activation, s *state, call *ast.CallExpr) val {
	info := e.c.pass.TypesInfo
	fn := e.callee(call)
	var origin *types.Func
	if fn != nil {
		origin = fn.Origin()
	}
	api := e.c.api
	switch {
	case origin != nil && origin == api.Set && len(call.Args) == 1:
		recv := ctxvarapi.Receiver(call)
		e.evalOut(a, s, recv)
		s.escape(e.eval(a, s, call.Args[0]))
		e.calls[call.Pos()] = call
		return e.newToken(s, call, e.c.varKey(e.u, recv))
	case origin != nil && origin == api.Reset && len(call.Args) == 1:
		recv := ctxvarapi.Receiver(call)
		e.evalOut(a, s, recv)
		v := e.eval(a, s, call.Args[0])
		e.calls[call.Pos()] = call
		e.reset(a, s, call, e.c.varKey(e.u, recv), v, nil)
		return vUnknown
	case origin != nil && (origin == api.TokenVar || origin == api.TokenOldValue):
		recv := ctxvarapi.Receiver(call)
		if recv != nil {
			e.eval(a, s, recv) // reads the token, takes it nowhere
		}
		return vUnknown
	}

	// Literals that run on another goroutine or in a copy of the Context.
	var asyncArgs map[int]*activation
	for i, arg := range call.Args {
		if lit, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
			if act := e.u.acts[lit]; act != nil && act.kind == litAsync {
				if asyncArgs == nil {
					asyncArgs = make(map[int]*activation)
				}
				asyncArgs[i] = act
			}
		}
	}

	sum := e.c.summaryOf(fn)
	if _, isLit := ast.Unparen(call.Fun).(*ast.FuncLit); !isLit {
		e.evalOut(a, s, call.Fun)
	}
	var resets []int
	if sum != nil && !call.Ellipsis.IsValid() && !isMethodExpr(info, call) {
		resets = sum.resets
	}
	for i, arg := range call.Args {
		if act := asyncArgs[i]; act != nil {
			e.async(act, s, nil)
			continue
		}
		v := e.eval(a, s, arg)
		if j := slices.Index(resets, i); j >= 0 {
			e.reset(a, s, call, sum.resetKeys[j], v, nil)
			continue
		}
		s.escape(v)
	}
	if sum != nil && sum.makes == 0 && sum.nresults == 1 {
		return e.newToken(s, call, sum.makesKey)
	}
	return vUnknown
}

// evalOut evaluates x, when not nil, for its effects: the token it yields
// goes where the engine cannot follow it.
func (e *engine) evalOut(a *activation, s *state, x ast.Expr) {
	if x != nil {
		s.escape(e.eval(a, s, x))
	}
}

// isMethodExpr reports whether call calls a method expression, T.M(recv,
// ...), whose arguments are shifted by one.
func isMethodExpr(info *types.Info, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s := info.Selections[sel]
	return s != nil && s.Kind() == types.MethodExpr
}

// newToken records a token made by call, a Set or a call of a function
// that returns one, of the Var with key k.
func (e *engine) newToken(s *state, call *ast.CallExpr, k int32) val {
	e.calls[call.Pos()] = call
	s.toks = append(s.toks, rec{site: call.Pos(), key: k, ctx: s.ctx, status: live})
	return val(len(s.toks))
}

// reset runs a Reset, by call (or by a deferred call, when stmt is not nil),
// of the Var with key k, of token v: it reports the Resets that panic, and
// those that restore out of order.
func (e *engine) reset(a *activation, s *state, call *ast.CallExpr, k int32, v val, stmt *ast.DeferStmt) {
	if v == vNil && stmt != nil && e.sum == nil && !e.suppressPanics(a) && len(e.guards(stmt.Pos())) == 0 {
		// defer v.Reset(tok) before tok is set: the defer statement
		// evaluates the nil token at once.
		e.reportNil(call, stmt)
		s.dead = true
		return
	}
	r := s.tok(v)
	if r == nil {
		return
	}
	idx := int(v - 1)
	pos := call.Pos()
	e.calls[pos] = call
	quiet := r.escaped || e.sum != nil || e.suppressPanics(a)
	if r.param != 0 {
		// A summary's parameter: its Context is the caller's.
		if e.differ(0, s.ctx) {
			r.usedOutside = true
		}
		if r.status == used {
			r.usedOutside = true // reset twice: no summary
		}
		r.status, r.usedAt, r.usedDeferred, r.usedKey = used, pos, stmt != nil, k
		return
	}
	if !r.escaped {
		switch {
		case r.status == used:
			if !quiet && r.usedAt == pos && !e.everyIteration(call) {
				// The same Reset, again through a loop: the analyzer cannot
				// tell that an iteration reaches it twice.
				quiet = true
			}
			if !quiet && e.correlated(r.usedAt, resetPos(call, stmt)) {
				quiet = true
			}
			if !quiet {
				e.reportUsed(s, call, stmt, r)
			}
			s.dead = true
			return
		case k != 0 && r.key != 0 && k != r.key && e.c.keys[k].fresh && e.c.keys[r.key].fresh:
			if !quiet {
				e.reportVar(call, stmt, r, k)
			}
			s.dead = true
			return
		case e.differ(r.ctx, s.ctx):
			if !quiet {
				e.reportContext(a, s, call, stmt, r)
			}
			s.dead = true
			return
		}
	}
	if r.status == live && r.key != 0 && !r.escaped {
		for j := idx + 1; j < len(s.toks); j++ {
			o := &s.toks[j]
			if o.key == r.key && o.ctx == r.ctx && o.status == live && !o.escaped {
				m := staleMark{reset: pos, site: r.site, deferred: stmt != nil}
				if !slices.Contains(o.stale, m) {
					o.stale = append(slices.Clone(o.stale), m)
				}
			}
		}
	}
	if r.status == live && !r.escaped && e.sum == nil {
		for _, m := range r.stale {
			if !e.correlated(m.site, m.reset, r.site, resetPos(call, stmt)) {
				e.reportStale(m, s, call, stmt, r)
			}
		}
	}
	r.stale = nil
	r.status, r.usedAt, r.usedDeferred, r.usedKey = used, pos, stmt != nil, k
}

// suppressPanics reports whether the findings of panicking Resets in a
// are left out: in a test, a function that recovers from panics, or a
// literal it runs in place, tests the panic on purpose.
func (e *engine) suppressPanics(a *activation) bool {
	if !e.u.test {
		return false
	}
	for ; a != nil; a = a.parent {
		if a.recovers {
			return true
		}
		if a.kind == litAsync {
			return false
		}
	}
	return false
}

// cond returns the condition on which block b branches, or nil when its
// two successors are not the two outcomes of a boolean condition.
func (e *engine) cond(b *cfg.Block) ast.Expr {
	if len(b.Nodes) == 0 {
		return nil
	}
	x, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr)
	if !ok || e.u.taggedCases[x] {
		return nil
	}
	t := e.c.pass.TypesInfo.TypeOf(x)
	if t == nil || !isBool(t) {
		return nil
	}
	switch b.Kind {
	case cfg.KindRangeLoop, cfg.KindSelectAfterCase:
		return nil
	}
	return x
}

// branch returns the states on the two outcomes of cond, nil for an
// outcome that contradicts what s knows.
func (e *engine) branch(s *state, cond ast.Expr) (t, f *state) {
	switch e.truth(s, cond) {
	case 2:
		return s, nil
	case 1:
		return nil, s
	}
	return e.learn(s.clone(), cond, true), e.learn(s.clone(), cond, false)
}

// truth evaluates a condition from what s knows: 0 unknown, 1 false, 2
// true.
func (e *engine) truth(s *state, x ast.Expr) int8 {
	info := e.c.pass.TypesInfo
	if tv, ok := info.Types[x]; ok && tv.Value != nil && tv.Value.Kind() == constant.Bool {
		return 1 + int8(b2i(constant.BoolVal(tv.Value)))
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return e.truth(s, x.X)
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok {
			if i, ok := e.u.atoms[v]; ok && isBool(v.Type()) {
				return s.atoms[i]
			}
		}
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			return not(e.truth(s, x.X))
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND:
			l, r := e.truth(s, x.X), e.truth(s, x.Y)
			if l == 1 || r == 1 {
				return 1
			}
			if l == 2 && r == 2 {
				return 2
			}
		case token.LOR:
			l, r := e.truth(s, x.X), e.truth(s, x.Y)
			if l == 2 || r == 2 {
				return 2
			}
			if l == 1 && r == 1 {
				return 1
			}
		case token.EQL, token.NEQ:
			nonNil := e.nonNil(s, x)
			if x.Op == token.EQL {
				return not(nonNil)
			}
			return nonNil
		}
	}
	return 0
}

func not(t int8) int8 {
	switch t {
	case 1:
		return 2
	case 2:
		return 1
	}
	return 0
}

// nilOperand returns the operand of a comparison with nil that is not nil,
// or nil.
func nilOperand(info *types.Info, x *ast.BinaryExpr) ast.Expr {
	switch {
	case isNil(info, x.Y):
		return x.X
	case isNil(info, x.X):
		return x.Y
	}
	return nil
}

// nonNil tells whether the operand of a comparison with nil is non-nil: 0
// unknown, 1 no, 2 yes.
func (e *engine) nonNil(s *state, x *ast.BinaryExpr) int8 {
	info := e.c.pass.TypesInfo
	operand := nilOperand(info, x)
	if isRecover(info, operand) {
		return 1 // no panic on the paths the engine follows
	}
	op, ok := ast.Unparen(operand).(*ast.Ident)
	if !ok {
		return 0
	}
	v, ok := info.Uses[op].(*types.Var)
	if !ok {
		return 0
	}
	if idx, ok := e.u.varIdx[v]; ok {
		switch x := s.vars[idx]; {
		case x == vNil:
			return 1
		case x > 0:
			return 2
		}
		return 0
	}
	if i, ok := e.u.atoms[v]; ok && !isBool(v.Type()) {
		return s.atoms[i]
	}
	return 0
}

// learn returns s knowing that x has the value want, or nil when s
// contradicts it.
func (e *engine) learn(s *state, x ast.Expr, want bool) *state {
	if s == nil {
		return nil
	}
	info := e.c.pass.TypesInfo
	w := 1 + int8(b2i(want))
	if tv, ok := info.Types[x]; ok && tv.Value != nil && tv.Value.Kind() == constant.Bool {
		if constant.BoolVal(tv.Value) != want {
			return nil
		}
		return s
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return e.learn(s, x.X, want)
	case *ast.Ident:
		if v, ok := info.Uses[x].(*types.Var); ok {
			if i, ok := e.u.atoms[v]; ok && isBool(v.Type()) {
				if s.atoms[i] != 0 && s.atoms[i] != w {
					return nil
				}
				s.atoms[i] = w
			}
		}
	case *ast.UnaryExpr:
		if x.Op == token.NOT {
			return e.learn(s, x.X, !want)
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.LAND:
			if want {
				return e.learn(e.learn(s, x.X, true), x.Y, true)
			}
			if e.truth(s, x.X) == 2 {
				return e.learn(s, x.Y, false)
			}
			if e.truth(s, x.Y) == 2 {
				return e.learn(s, x.X, false)
			}
		case token.LOR:
			if !want {
				return e.learn(e.learn(s, x.X, false), x.Y, false)
			}
			if e.truth(s, x.X) == 1 {
				return e.learn(s, x.Y, true)
			}
			if e.truth(s, x.Y) == 1 {
				return e.learn(s, x.X, true)
			}
		case token.EQL, token.NEQ:
			nonNil := want == (x.Op == token.NEQ)
			known := e.nonNil(s, x)
			nw := 1 + int8(b2i(nonNil))
			if known != 0 {
				if known != nw {
					return nil
				}
				return s
			}
			if op, ok := ast.Unparen(nilOperand(info, x)).(*ast.Ident); ok {
				if v, ok := info.Uses[op].(*types.Var); ok {
					if i, ok := e.u.atoms[v]; ok && !isBool(v.Type()) {
						s.atoms[i] = nw
					}
				}
			}
		}
	}
	return s
}

// everyIteration reports whether the statement of call, a Reset, runs at
// every iteration of its innermost loop: it stands directly in the loop's
// body, and no break, continue, return or goto comes before it there.
func (e *engine) everyIteration(call *ast.CallExpr) bool {
	var loopBody *ast.BlockStmt
	var path []ast.Node
	ast.Inspect(e.u.body, func(n ast.Node) bool {
		if loopBody != nil || n == nil {
			return false
		}
		if n.Pos() > call.Pos() || n.End() < call.End() {
			return false
		}
		path = append(path, n)
		return true
	})
	for i := len(path) - 1; i >= 1; i-- {
		switch l := path[i-1].(type) {
		case *ast.ForStmt:
			if l.Body == path[i] {
				loopBody = l.Body
			}
		case *ast.RangeStmt:
			if l.Body == path[i] {
				loopBody = l.Body
			}
		case *ast.FuncLit:
			return false
		}
		if loopBody != nil {
			if i+1 >= len(path) {
				return false
			}
			stmt, ok := path[i+1].(ast.Stmt)
			if !ok || !slices.Contains(loopBody.List, stmt) {
				return false
			}
			if es, ok := stmt.(*ast.ExprStmt); !ok || ast.Unparen(es.X) != call {
				return false
			}
			jumps := false
			for _, s := range loopBody.List {
				if s == stmt {
					break
				}
				ast.Inspect(s, func(n ast.Node) bool {
					switch n.(type) {
					case *ast.BranchStmt, *ast.ReturnStmt:
						jumps = true
					case *ast.FuncLit:
						return false
					}
					return !jumps
				})
			}
			return !jumps
		}
	}
	return false
}

// resetPos returns where a Reset stands: its call, or the defer statement
// that defers it.
func resetPos(call *ast.CallExpr, stmt *ast.DeferStmt) token.Pos {
	if stmt != nil {
		return stmt.Pos()
	}
	return call.Pos()
}
