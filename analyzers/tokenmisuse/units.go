package tokenmisuse

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// A unit is a function the engine runs on its own: a function declaration,
// or a function literal that runs at a time and in a Context the analyzer
// cannot tell (one stored in a variable, passed to an unknown function,
// returned). The literals that run at a known time are part of the unit that
// contains them: they are activations of it.
type unit struct {
	node ast.Node // *ast.FuncDecl or *ast.FuncLit
	body *ast.BlockStmt
	root *activation
	test bool // the unit lies in a _test.go file

	acts map[*ast.FuncLit]*activation // the unit's literals that run at a known time

	vars   []*trackedVar // the token variables the engine follows
	varIdx map[*types.Var]int

	// stable holds the local variables assigned once, by their
	// declaration or as parameters, whose address is not taken and that
	// no other unit assigns: a local Var or Context named by one is the
	// same at each use within one run of its declaration.
	stable map[*types.Var]bool

	// newDefined holds the local variables declared with the value of a
	// ctxvar.New call: each holds a Var of its own.
	newDefined map[*types.Var]bool

	// loopDefers holds the defer statements inside a loop of their
	// function: the engine does not model them.
	loopDefers map[*ast.DeferStmt]bool

	// atoms are the local variables whose tests the engine remembers, so
	// that two branches on the same condition agree: booleans and
	// variables compared with nil that the unit's conditions test twice
	// or more, or test and set to a constant.
	atoms map[*types.Var]int

	// taggedCases holds the expressions of the case clauses of switch
	// statements with a tag: their CFG blocks branch on tag == expr, not
	// on the expression.
	taggedCases map[ast.Expr]bool

	// assignIdents holds the identifiers the CFG lists as nodes of their
	// own that stand for assignments: the key and value of a range
	// statement, the variable of a select case.
	assignIdents map[ast.Expr]bool

	hasReset bool // the unit or one of its activations may reset a token
	hasGoto  bool
}

// An activation is a function body that runs at a known time: the unit's
// own, or one of its function literals that run in place (called where
// they stand, or handed to Run or RunContext), when the function returns
// (deferred), or on another goroutine or in a copy of the Context (go
// statements, Spawn, Bind and the launchers barego knows).
type activation struct {
	lit    *ast.FuncLit // nil for the unit's own body
	kind   litKind
	parent *activation

	// For litAsync: how the literal is started, for messages ("the
	// goroutine the go statement starts").
	how string

	recovers bool // the body defers a function literal that calls recover
}

type litKind uint8

const (
	litOther  litKind = iota // runs at a time the analyzer cannot tell: a unit of its own
	litInline                // func() { ... }() as a statement: runs in place, in the same Context
	litDefer                 // defer func() { ... }(): runs when the enclosing body returns
	litRun                   // c.Run(func() { ... }), ctxvar.RunContext(ctx, func() { ... }): runs in place, in another Context
	litAsync                 // runs on another goroutine or in a copy of the Context
)

// A trackedVar is a local variable of a token type that the engine follows:
// its address is never taken, and the literals that mention it run at a
// known time.
type trackedVar struct {
	obj     *types.Var
	act     *activation // the activation that declares it
	assigns int         // how many statements assign it, its declaration included
	defined bool        // its declaration gives it a value (or it is a parameter)
}

// collectUnits returns the units of a top-level declaration: the function
// itself, and the literals in it that are units of their own, or, for a
// variable declaration, the literals in its initializers.
func (c *checker) collectUnits(decl ast.Decl) []*unit {
	var units []*unit
	test := strings.HasSuffix(c.pass.Fset.File(decl.Pos()).Name(), "_test.go")
	var build func(node ast.Node, body *ast.BlockStmt)
	build = func(node ast.Node, body *ast.BlockStmt) {
		u := &unit{
			node:         node,
			body:         body,
			test:         test,
			acts:         make(map[*ast.FuncLit]*activation),
			varIdx:       make(map[*types.Var]int),
			stable:       make(map[*types.Var]bool),
			newDefined:   make(map[*types.Var]bool),
			loopDefers:   make(map[*ast.DeferStmt]bool),
			atoms:        make(map[*types.Var]int),
			taggedCases:  make(map[ast.Expr]bool),
			assignIdents: make(map[ast.Expr]bool),
		}
		u.root = &activation{kind: litInline}
		units = append(units, u)
		others := c.scanUnit(u)
		for _, lit := range others {
			build(lit, lit.Body)
		}
	}
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if d.Body != nil {
			build(d, d.Body)
		}
	case *ast.GenDecl:
		ast.Inspect(d, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok {
				build(lit, lit.Body)
				return false
			}
			return true
		})
	}
	return units
}

// varUse records how a unit mentions a local variable.
type varUse struct {
	assigns   int
	defined   bool
	addr      bool
	conds     int  // mentions in conditions
	constSet  bool // assigned a boolean constant
	foreign   bool // mentioned in another unit (a literal of its own)
	asyncUse  bool // mentioned in an asynchronous activation in a way other than reading it for Reset, Var or OldValue
	asyncSet  bool // assigned in an asynchronous activation
	declAct   *activation
	loopRange bool // a range or select variable, assigned anew at each iteration
}

// scanUnit walks the body of u, classifies its function literals, and
// finds the variables the engine can follow. It returns the literals that
// are units of their own.
func (c *checker) scanUnit(u *unit) []*ast.FuncLit {
	info := c.pass.TypesInfo
	var others []*ast.FuncLit
	uses := make(map[*types.Var]*varUse)
	use := func(v *types.Var) *varUse {
		x := uses[v]
		if x == nil {
			x = new(varUse)
			uses[v] = x
		}
		return x
	}

	// Parameters of the unit's own function.
	var ftype *ast.FuncType
	switch n := u.node.(type) {
	case *ast.FuncDecl:
		ftype = n.Type
	case *ast.FuncLit:
		ftype = n.Type
	}
	defineParams := func(ft *ast.FuncType, act *activation) {
		if ft.Params == nil {
			return
		}
		for _, f := range ft.Params.List {
			for _, name := range f.Names {
				if v, ok := info.Defs[name].(*types.Var); ok {
					x := use(v)
					x.defined, x.assigns, x.declAct = true, 1, act
				}
			}
		}
	}
	defineParams(ftype, u.root)
	if ftype.Results != nil {
		for _, f := range ftype.Results.List {
			for _, name := range f.Names {
				if v, ok := info.Defs[name].(*types.Var); ok {
					x := use(v)
					x.addr = true // named results: not followed
					x.declAct = u.root
				}
			}
		}
	}

	var stack []ast.Node
	acts := []*activation{u.root}
	cur := func() *activation { return acts[len(acts)-1] }

	// path reports how a mention in the current activation reaches the
	// activation that declares the variable: through an asynchronous one.
	crossesAsync := func(decl *activation) bool {
		for a := cur(); a != nil && a != decl; a = a.parent {
			if a.kind == litAsync {
				return true
			}
		}
		return false
	}

	visit := func(n ast.Node) bool {
		if n == nil {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if lit, ok := top.(*ast.FuncLit); ok && cur().lit == lit {
				acts = acts[:len(acts)-1]
			}
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			kind, how := c.classifyLit(n, stack)
			if kind == litDefer && len(stack) >= 2 {
				// A literal deferred in a loop runs an unknown number of
				// times: not modeled.
				if d, ok := stack[len(stack)-2].(*ast.DeferStmt); ok && u.loopDefers[d] {
					kind = litOther
				}
			}
			if kind == litOther {
				others = append(others, n)
				// Its mentions of this unit's variables make them
				// unfollowable; its own variables are its own.
				c.markForeign(n, use)
				return false
			}
			a := &activation{lit: n, kind: kind, parent: cur(), how: how}
			u.acts[n] = a
			acts = append(acts, a)
			defineParams(n.Type, a)
			if n.Type.Results != nil {
				for _, f := range n.Type.Results.List {
					for _, name := range f.Names {
						if v, ok := info.Defs[name].(*types.Var); ok {
							x := use(v)
							x.addr, x.declAct = true, a
						}
					}
				}
			}
		case *ast.DeferStmt:
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok && callsRecover(info, lit) {
				cur().recovers = true
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == cur().lit {
					break
				}
				switch stack[i].(type) {
				case *ast.ForStmt, *ast.RangeStmt:
					u.loopDefers[n] = true
				}
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				u.hasGoto = true
			}
		case *ast.RangeStmt:
			if n.Key != nil {
				u.assignIdents[n.Key] = true
			}
			if n.Value != nil {
				u.assignIdents[n.Value] = true
			}
		case *ast.CommClause:
			if as, ok := n.Comm.(*ast.AssignStmt); ok && len(as.Lhs) > 0 {
				u.assignIdents[as.Lhs[0]] = true
				// The CFG assigns them where the select starts and, for
				// the first, again in the case: not worth following.
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						if v, ok := info.ObjectOf(id).(*types.Var); ok {
							use(v).loopRange = true
						}
					}
				}
			}
		case *ast.SwitchStmt:
			if n.Tag != nil {
				for _, cc := range n.Body.List {
					for _, e := range cc.(*ast.CaseClause).List {
						u.taggedCases[e] = true
					}
				}
			}
		case *ast.CallExpr:
			if fn := c.api.Callee(info, n); fn != nil && fn == c.api.Reset {
				u.hasReset = true
			} else if !u.hasReset && c.mayReset(n) {
				u.hasReset = true
			}
		case *ast.Ident:
			obj := info.Defs[n]
			if obj != nil {
				if v, ok := obj.(*types.Var); ok && !v.IsField() {
					x := use(v)
					if x.declAct == nil {
						x.declAct = cur()
					}
					if len(stack) > 0 {
						switch p := stack[len(stack)-1].(type) {
						case *ast.AssignStmt:
							x.defined, x.assigns = true, x.assigns+1
							if constBool(info, rhsFor(p, n)) || isRecover(info, rhsFor(p, n)) {
								x.constSet = true
							}
							if c.isNewCall(rhsFor(p, n)) {
								u.newDefined[v] = true
							}
						case *ast.ValueSpec:
							x.defined = len(p.Values) > 0
							x.assigns++
							if c.isNewCall(specValue(p, n)) {
								u.newDefined[v] = true
							}
							if len(p.Values) == 0 && isBool(v.Type()) {
								x.constSet = true
							}
							if len(p.Values) > 0 && constBool(info, specValue(p, n)) {
								x.constSet = true
							}
						case *ast.RangeStmt:
							x.assigns, x.loopRange = x.assigns+2, true
						}
					}
				}
				return false
			}
			v, ok := info.Uses[n].(*types.Var)
			if !ok || v.IsField() || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
				return false
			}
			x := use(v)
			c.mention(u, n, v, x, stack, crossesAsync(x.declAct))
			return false
		}
		stack = append(stack, n)
		return true
	}
	ast.Inspect(u.body, visit)

	// Conditions: count the mentions of locals in them.
	c.countConds(u, uses)

	for v, x := range uses {
		if x.declAct == nil {
			continue // declared outside the unit
		}
		ok := !x.addr && !x.foreign
		if ok && x.assigns == 1 && x.defined && !x.asyncSet && !x.loopRange {
			u.stable[v] = true
		}
		if c.isToken(v.Type()) {
			if ok && !x.asyncUse && !x.asyncSet {
				u.varIdx[v] = len(u.vars)
				u.vars = append(u.vars, &trackedVar{obj: v, act: x.declAct, assigns: x.assigns, defined: x.defined})
			}
			continue
		}
		if ok && !x.asyncSet && !x.loopRange && x.conds > 0 && x.conds+b2i(x.constSet) >= 2 {
			if isBool(v.Type()) || hasNil(v.Type()) {
				u.atoms[v] = len(u.atoms)
			}
		}
	}
	return others
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mention classifies a use of local variable v by identifier id, whose
// enclosing nodes are stack.
func (c *checker) mention(u *unit, id *ast.Ident, v *types.Var, x *varUse, stack []ast.Node, async bool) {
	info := c.pass.TypesInfo
	parent := stack[len(stack)-1]
	i, child := ctxvarapi.Enclosing(stack, id)
	if i >= 0 {
		parent = stack[i]
	}
	readOnly := false // a read whose value goes nowhere: Reset, Var, OldValue, a nil test
	switch p := parent.(type) {
	case *ast.UnaryExpr:
		if p.Op == token.AND {
			x.addr = true
			return
		}
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if l == child {
				x.assigns++
				if async {
					x.asyncSet = true
				}
				if p.Tok == token.DEFINE || p.Tok == token.ASSIGN {
					if constBool(info, rhsFor(p, id)) || isRecover(info, rhsFor(p, id)) {
						x.constSet = true
					}
				}
				return
			}
		}
	case *ast.IncDecStmt:
		x.assigns++
		return
	case *ast.RangeStmt:
		if p.Key == child || p.Value == child {
			x.assigns += 2
			x.loopRange = true
			if async {
				x.asyncSet = true
			}
			return
		}
	case *ast.CallExpr:
		for _, a := range p.Args {
			if a == child {
				if fn := c.api.Callee(info, p); fn != nil && fn == c.api.Reset {
					readOnly = true
				}
			}
		}
	case *ast.SelectorExpr:
		if p.X == child && i > 0 {
			if call, ok := stack[i-1].(*ast.CallExpr); ok && call.Fun == p {
				if fn := c.api.Callee(info, call); fn != nil && (fn == c.api.TokenVar || fn == c.api.TokenOldValue) {
					readOnly = true
				}
			}
		}
	case *ast.BinaryExpr:
		if (p.Op == token.EQL || p.Op == token.NEQ) && (isNil(info, p.X) || isNil(info, p.Y)) {
			readOnly = true
		}
	}
	if async && !readOnly {
		x.asyncUse = true
	}
}

// markForeign marks the local variables of the enclosing units that lit, a
// unit of its own, mentions: the engine cannot tell when lit reads or
// writes them.
func (c *checker) markForeign(lit *ast.FuncLit, use func(*types.Var) *varUse) {
	info := c.pass.TypesInfo
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := info.Uses[id].(*types.Var)
		if !ok || v.IsField() || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
			return false
		}
		// Only the variables declared outside lit.
		if lit.Pos() <= v.Pos() && v.Pos() < lit.End() {
			return false
		}
		use(v).foreign = true
		return false
	})
}

// countConds counts the mentions of local variables in the conditions of
// u's if and for statements and tagless switch cases, the conditions the
// engine branches on.
func (c *checker) countConds(u *unit, uses map[*types.Var]*varUse) {
	info := c.pass.TypesInfo
	count := func(e ast.Expr) {
		if e == nil {
			return
		}
		ast.Inspect(e, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.Ident:
				if v, ok := info.Uses[n].(*types.Var); ok {
					if x := uses[v]; x != nil {
						x.conds++
					}
				}
			}
			return true
		})
	}
	ast.Inspect(u.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return u.acts[n] != nil
		case *ast.IfStmt:
			count(n.Cond)
		case *ast.ForStmt:
			count(n.Cond)
		case *ast.SwitchStmt:
			if n.Tag == nil {
				for _, cc := range n.Body.List {
					for _, e := range cc.(*ast.CaseClause).List {
						count(e)
					}
				}
			}
		}
		return true
	})
}

// classifyLit tells when a function literal runs, from the nodes that
// enclose it (stack, innermost last).
func (c *checker) classifyLit(lit *ast.FuncLit, stack []ast.Node) (kind litKind, how string) {
	info := c.pass.TypesInfo
	i, child := ctxvarapi.Enclosing(stack, lit)
	if i < 0 {
		return litOther, ""
	}
	call, ok := stack[i].(*ast.CallExpr)
	if !ok {
		return litOther, ""
	}
	var stmt ast.Node
	if i > 0 {
		stmt = stack[i-1]
	}
	if call.Fun == child {
		if call.Ellipsis.IsValid() {
			return litOther, ""
		}
		switch stmt.(type) {
		case *ast.ExprStmt:
			return litInline, ""
		case *ast.DeferStmt:
			return litDefer, ""
		case *ast.GoStmt:
			return litAsync, "the goroutine the go statement starts"
		}
		return litOther, ""
	}
	fn := c.api.Callee(info, call)
	if fn != nil && (fn == c.api.ContextRun || fn == c.api.RunContext) {
		if es, ok := stmt.(*ast.ExprStmt); ok && ast.Unparen(es.X) == call {
			return litRun, ""
		}
		return litOther, ""
	}
	callee, launched, spawned := c.starts.Args(info, call)
	for j, a := range call.Args {
		if a != child {
			continue
		}
		for _, k := range launched {
			if k == j {
				return litAsync, "the function " + displayName(callee) + " runs on another goroutine"
			}
		}
		for _, k := range spawned {
			if k == j {
				switch {
				case fn == c.api.Spawn:
					return litAsync, "the goroutine ctxvar.Spawn starts, in a copy of the Context"
				case fn != nil && (fn == c.api.Bind || fn == c.api.BindErr || fn == c.api.BindArg):
					return litAsync, "the function ctxvar." + fn.Name() + " returns, which runs in a copy of the Context"
				}
				return litAsync, "the function " + displayName(callee) + " runs in a copy of the Context"
			}
		}
	}
	return litOther, ""
}

// isNewCall reports whether e is a call of ctxvar.New.
func (c *checker) isNewCall(e ast.Expr) bool {
	if e == nil || c.api.New == nil {
		return false
	}
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && c.api.Callee(c.pass.TypesInfo, call) == c.api.New
}

// isRecover reports whether e calls the built-in recover, which returns
// nil on the paths the engine follows: none of them is panicking.
func isRecover(info *types.Info, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == "recover"
}

// callsRecover reports whether lit calls the built-in recover.
func callsRecover(info *types.Info, lit *ast.FuncLit) bool {
	found := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// rhsFor returns the expression an assignment assigns to the identifier id
// on its left, or nil.
func rhsFor(as *ast.AssignStmt, id ast.Node) ast.Expr {
	if len(as.Lhs) != len(as.Rhs) {
		return nil
	}
	for i, l := range as.Lhs {
		if l == id || ast.Unparen(l) == id {
			return as.Rhs[i]
		}
	}
	return nil
}

func specValue(vs *ast.ValueSpec, id *ast.Ident) ast.Expr {
	if len(vs.Names) != len(vs.Values) {
		return nil
	}
	for i, n := range vs.Names {
		if n == id {
			return vs.Values[i]
		}
	}
	return nil
}

// constBool reports whether e is a boolean constant.
func constBool(info *types.Info, e ast.Expr) bool {
	if e == nil {
		return false
	}
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && isBool(tv.Type)
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsBoolean != 0
}

func hasNil(t types.Type) bool {
	switch t.Underlying().(type) {
	case *types.Pointer, *types.Interface, *types.Map, *types.Slice, *types.Chan, *types.Signature:
		return true
	}
	return false
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}
