package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// What code may Set matters wherever the analysis cannot follow a call:
// a closure stored and called later, a call through an interface, a Var
// reached under another name, package initialization before main. There
// the analysis counts whatever may be set as set, so that it stays silent.

// A contrib is what a piece of code contributes to what running it may
// Set, before the functions it refers to are known.
type contrib struct {
	sets       *varSet       // Vars it Sets, or whose *Var it lets escape
	refs       []*types.Func // functions it refers to, called or not
	callsValue bool          // it calls through a func value
	methods    []string      // methods it may call through interfaces
	untracked  bool          // it Sets or Resets a Var it does not name
}

// contribOf collects the contribution of the code under root. It descends
// into function literals that are called or passed to a call, and leaves
// out those that are stored: they count among the package's function
// values.
func (c *checker) contribOf(root ast.Node) *contrib {
	// A Var that escapes in a package-level initializer is not set by
	// that: Sets through the other name count wherever they happen.
	_, escapesSet := root.(*ast.GenDecl)
	escapesSet = !escapesSet
	info := c.pass.TypesInfo
	k := &contrib{sets: newVarSet()}
	var stored map[*ast.FuncLit]bool // made when there is one
	ast.Inspect(root, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && stored[lit] && ast.Node(lit) != root {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			stored = markStored(stored, n.Rhs...)
		case *ast.ValueSpec:
			stored = markStored(stored, n.Values...)
		case *ast.ReturnStmt:
			stored = markStored(stored, n.Results...)
		case *ast.CompositeLit:
			stored = markStored(stored, n.Elts...)
		case *ast.KeyValueExpr:
			stored = markStored(stored, n.Value)
		case *ast.SendStmt:
			stored = markStored(stored, n.Value)
		case *ast.CallExpr:
			c.contribCall(k, n)
		case *ast.SelectorExpr:
			if id, ok := c.escSels[n]; ok && escapesSet {
				k.sets.add(id)
			}
		case *ast.Ident:
			if id, ok := c.escIdents[n]; ok && escapesSet {
				k.sets.add(id)
			}
			if fn, ok := info.Uses[n].(*types.Func); ok {
				// A function is referred to many times, and counts once.
				if fn := fn.Origin(); !slices.Contains(k.refs, fn) {
					k.refs = append(k.refs, fn)
				}
			}
		}
		return true
	})
	return k
}

// markStored adds to stored the function literals among es, and returns
// it, made if it was nil and had to be.
func markStored(stored map[*ast.FuncLit]bool, es ...ast.Expr) map[*ast.FuncLit]bool {
	for _, e := range es {
		if lit, ok := ast.Unparen(e).(*ast.FuncLit); ok {
			if stored == nil {
				stored = make(map[*ast.FuncLit]bool)
			}
			stored[lit] = true
		}
	}
	return stored
}

func (c *checker) contribCall(k *contrib, call *ast.CallExpr) {
	ci := c.callOf(call)
	if rt := ci.rt; rt != nil {
		if rt == c.api.Set || rt == c.api.Reset {
			v := c.trackedVar(ctxvarapi.Receiver(call))
			if rt == c.api.Set && v != nil {
				k.sets.add(c.numOf(v))
			}
			if v == nil || c.status(v) == statusUnknown {
				k.untracked = true
			}
		}
		return
	}
	k.methods = append(k.methods, ci.methods...)
	if ci.static != nil {
		return
	}
	if ci.builtin() {
		return
	}
	if ci.conversion {
		return
	}
	if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return
	}
	if ci.isIface {
		k.methods = append(k.methods, ci.iface())
		return
	}
	k.callsValue = true
}

// interfaceCall reports whether call calls a method through an interface
// (or a type parameter's constraint). The method is the call's callee.
func interfaceCall(info *types.Info, call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	s, ok := info.Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return false
	}
	fn, ok := s.Obj().(*types.Func)
	return ok && types.IsInterface(fn.Signature().Recv().Type())
}

// interfaceMethods returns the names of the methods of the interfaces that
// call's arguments are passed as: the callee may call them. callee is
// typeutil.Callee's result for the call.
func interfaceMethods(info *types.Info, call *ast.CallExpr, callee types.Object) []string {
	var sig *types.Signature
	if fn, ok := callee.(*types.Func); ok && fn.Signature().Recv() == nil && fn.Signature().TypeParams() == nil {
		// A function that is neither a method nor generic has the type
		// that the call's function expression has, which spares looking
		// that up.
		sig = fn.Signature()
	} else if sig, ok = types.Unalias(info.TypeOf(call.Fun)).(*types.Signature); !ok {
		return nil
	}
	var names []string
	params := sig.Params()
	for i := range call.Args {
		var t types.Type
		switch {
		case sig.Variadic() && i >= params.Len()-1:
			t = params.At(params.Len() - 1).Type()
			if !call.Ellipsis.IsValid() {
				if s, ok := t.Underlying().(*types.Slice); ok {
					t = s.Elem()
				}
			}
		case i < params.Len():
			t = params.At(i).Type()
		default:
			continue
		}
		if iface, ok := t.Underlying().(*types.Interface); ok {
			for m := range iface.Methods() {
				names = append(names, m.Name())
			}
		}
	}
	return names
}

// mayOf evaluates a contribution with what is known so far.
func (c *checker) mayOf(k *contrib) *varSet {
	s := newVarSet()
	c.addMay(s, k)
	return s
}

// addMay adds to s what a contribution evaluates to with what is known so
// far, and reports whether s grew.
func (c *checker) addMay(s *varSet, k *contrib) bool {
	grew := s.grow(k.sets)
	for _, r := range k.refs {
		if s.grow(c.maySetOf(r)) {
			grew = true
		}
	}
	if k.callsValue && s.grow(c.valueMay) {
		grew = true
	}
	for _, m := range k.methods {
		if s.grow(c.methodMay(m)) {
			grew = true
		}
	}
	if k.untracked && s.grow(c.escaped) {
		grew = true
	}
	return grew
}

// maySetOf returns the Vars that calling fn may Set.
func (c *checker) maySetOf(fn *types.Func) *varSet {
	fn = fn.Origin()
	if fn.Pkg() == c.pass.Pkg {
		return c.maySets[fn]
	}
	if s := c.summaryOf(fn); s != nil {
		return s.maySet
	}
	return nil
}

// methodMay returns what the concrete methods called name, of this package
// and of the packages it imports, directly or not, may Set: any of them may
// be behind an interface.
func (c *checker) methodMay(name string) *varSet {
	if s, ok := c.methodSets[name]; ok {
		return s
	}
	s := newVarSet()
	for _, m := range c.methodsOf[name] {
		s.addAll(c.maySets[m])
	}
	if c.importedMay == nil {
		c.importedMay = make(map[string]*varSet)
		for _, of := range c.pass.AllObjectFacts() {
			fn, ok := of.Object.(*types.Func)
			f, isFunc := of.Fact.(*FuncFact)
			if !ok || !isFunc || fn.Pkg() == c.pass.Pkg || len(f.MaySet) == 0 {
				continue
			}
			if recv := fn.Signature().Recv(); recv == nil || types.IsInterface(recv.Type()) {
				continue
			}
			m := c.importedMay[fn.Name()]
			if m == nil {
				m = newVarSet()
				c.importedMay[fn.Name()] = m
			}
			m.addAll(c.setOf(f.MaySet))
		}
	}
	s.addAll(c.importedMay[name])
	if c.methodSets != nil {
		c.methodSets[name] = s
	}
	return s
}

// importPkgFacts gathers the facts of every package this one imports,
// directly or not: their initialization has run before main, and their
// Vars and function values may come this way.
func (c *checker) importPkgFacts() {
	c.initImports = newVarSet()
	for _, pf := range c.pass.AllPackageFacts() {
		if f, ok := pf.Fact.(*PkgFact); ok && pf.Package != c.pass.Pkg {
			c.initImports.addAll(c.setOf(f.InitSets))
			c.escaped.addAll(c.setOf(f.Escaped))
			c.valueMay.addAll(c.setOf(f.ValueSets))
		}
	}
}

// computeMaySets works out what the package's functions, its function
// values and its initialization may Set. The parts depend on each other
// (a function that calls through a func value may set what any function
// value may), so they grow together until nothing changes.
func (c *checker) computeMaySets() {
	for _, fn := range c.declOrder {
		c.at.At(c.decls[fn].Pos())
		c.contribs[fn] = c.contribOf(c.decls[fn].Body)
		c.maySets[fn] = newVarSet()
		if recv := fn.Signature().Recv(); recv != nil && !types.IsInterface(recv.Type()) {
			c.methodsOf[fn.Name()] = append(c.methodsOf[fn.Name()], fn)
		}
	}
	for _, p := range c.values {
		if p.lit != nil {
			k := c.contribOf(p.lit)
			c.litContribs[p.lit] = k
			c.valueParts = append(c.valueParts, k)
		} else {
			c.valueParts = append(c.valueParts, &contrib{refs: []*types.Func{p.ref}})
		}
	}
	var inits []*ast.FuncDecl
	var initParts, varParts []*contrib
	for _, file := range c.pass.Files {
		for _, decl := range file.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				if decl.Tok == token.VAR {
					varParts = append(varParts, c.contribOf(decl))
				}
			case *ast.FuncDecl:
				if decl.Name.Name == "init" && decl.Recv == nil && decl.Body != nil {
					inits = append(inits, decl)
					initParts = append(initParts, c.contribOf(decl.Body))
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range c.declOrder {
			if c.addMay(c.maySets[fn], c.contribs[fn]) {
				changed = true
			}
		}
		for _, k := range c.valueParts {
			if c.addMay(c.valueMay, k) {
				changed = true
			}
		}
	}
	// What the package's methods may Set is known from now on.
	c.methodSets = make(map[string]*varSet)
	c.ownValueMay = newVarSet()
	for _, k := range c.valueParts {
		c.addMay(c.ownValueMay, k)
	}
	c.varInitMay = newVarSet()
	for _, k := range varParts {
		c.addMay(c.varInitMay, k)
	}
	for i, d := range inits {
		c.initMay[d] = c.mayOf(initParts[i])
	}
}

// litMaySet returns the Vars a function literal may Set.
func (c *checker) litMaySet(lit *ast.FuncLit) *varSet {
	if s, ok := c.litMay[lit]; ok {
		return s
	}
	k, ok := c.litContribs[lit]
	if !ok {
		k = c.contribOf(lit)
	}
	s := c.mayOf(k)
	c.litMay[lit] = s
	return s
}

// initSets returns what may be set when entry starts: everything package
// initialization may set, except what entry, an init function, sets itself.
func (c *checker) initSets(entry *ast.FuncDecl) *varSet {
	s := c.initImports.clone()
	s.addAll(c.varInitMay)
	for d, m := range c.initMay {
		if d != entry {
			s.addAll(m)
		}
	}
	return s
}
