package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// What code may Set matters wherever the analysis cannot follow a call:
// a closure stored and called later, a call through an interface, a Var
// reached under another name, package initialization before main. There
// the analysis counts whatever may be set as set, so that it stays silent.

// A contrib is what a piece of code contributes to what running it may
// Set, before the functions it refers to are known.
type contrib struct {
	sets       varSet        // Vars it Sets, or whose *Var it lets escape
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
	k := &contrib{sets: make(varSet)}
	stored := make(map[*ast.FuncLit]bool)
	ast.Inspect(root, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && stored[lit] && ast.Node(lit) != root {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			markStored(stored, n.Rhs)
		case *ast.ValueSpec:
			markStored(stored, n.Values)
		case *ast.ReturnStmt:
			markStored(stored, n.Results)
		case *ast.CompositeLit:
			markStored(stored, n.Elts)
		case *ast.KeyValueExpr:
			markStored(stored, []ast.Expr{n.Value})
		case *ast.SendStmt:
			markStored(stored, []ast.Expr{n.Value})
		case *ast.CallExpr:
			c.contribCall(k, n)
		case *ast.SelectorExpr:
			if id, ok := c.escapes[n]; ok && escapesSet {
				k.sets[id.key()] = id
			}
		case *ast.Ident:
			if id, ok := c.escapes[n]; ok && escapesSet {
				k.sets[id.key()] = id
			}
			if fn, ok := info.Uses[n].(*types.Func); ok {
				k.refs = append(k.refs, fn.Origin())
			}
		}
		return true
	})
	return k
}

func markStored(stored map[*ast.FuncLit]bool, es []ast.Expr) {
	for _, e := range es {
		if lit, ok := ast.Unparen(e).(*ast.FuncLit); ok {
			stored[lit] = true
		}
	}
}

func (c *checker) contribCall(k *contrib, call *ast.CallExpr) {
	info := c.pass.TypesInfo
	if rt := c.api.Callee(info, call); rt != nil {
		if rt == c.api.Set || rt == c.api.Reset {
			v := c.trackedVar(ctxvarapi.Receiver(call))
			if rt == c.api.Set && v != nil {
				k.sets[varID(v).key()] = varID(v)
			}
			if v == nil || c.status(v) == statusUnknown {
				k.untracked = true
			}
		}
		return
	}
	k.methods = append(k.methods, interfaceMethods(info, call)...)
	if typeutil.StaticCallee(info, call) != nil {
		return
	}
	if _, ok := typeutil.Callee(info, call).(*types.Builtin); ok {
		return
	}
	if tv, ok := info.Types[ast.Unparen(call.Fun)]; ok && tv.IsType() {
		return
	}
	if _, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok {
		return
	}
	if name, ok := interfaceCall(info, call); ok {
		k.methods = append(k.methods, name)
		return
	}
	k.callsValue = true
}

// interfaceCall returns the method name of a call through an interface
// (or a type parameter's constraint).
func interfaceCall(info *types.Info, call *ast.CallExpr) (string, bool) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	s, ok := info.Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return "", false
	}
	fn, ok := s.Obj().(*types.Func)
	if !ok || !types.IsInterface(fn.Signature().Recv().Type()) {
		return "", false
	}
	return fn.Name(), true
}

// interfaceMethods returns the names of the methods of the interfaces that
// call's arguments are passed as: the callee may call them.
func interfaceMethods(info *types.Info, call *ast.CallExpr) []string {
	sig, ok := types.Unalias(info.TypeOf(call.Fun)).(*types.Signature)
	if !ok {
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
func (c *checker) mayOf(k *contrib) varSet {
	s := k.sets.clone()
	for _, r := range k.refs {
		s.addAll(c.maySetOf(r))
	}
	if k.callsValue {
		s.addAll(c.valueMay)
	}
	for _, m := range k.methods {
		s.addAll(c.methodMay(m))
	}
	if k.untracked {
		s.addAll(c.escaped)
	}
	return s
}

// maySetOf returns the Vars that calling fn may Set.
func (c *checker) maySetOf(fn *types.Func) varSet {
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
func (c *checker) methodMay(name string) varSet {
	s := make(varSet)
	for _, m := range c.methodsOf[name] {
		s.addAll(c.maySets[m])
	}
	if c.importedMay == nil {
		c.importedMay = make(map[string]varSet)
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
				m = make(varSet)
				c.importedMay[fn.Name()] = m
			}
			m.addAll(setOf(f.MaySet))
		}
	}
	s.addAll(c.importedMay[name])
	return s
}

// importPkgFacts gathers the facts of every package this one imports,
// directly or not: their initialization has run before main, and their
// Vars and function values may come this way.
func (c *checker) importPkgFacts() {
	c.initImports = make(varSet)
	for _, pf := range c.pass.AllPackageFacts() {
		if f, ok := pf.Fact.(*PkgFact); ok && pf.Package != c.pass.Pkg {
			c.initImports.addAll(setOf(f.InitSets))
			c.escaped.addAll(setOf(f.Escaped))
			c.valueMay.addAll(setOf(f.ValueSets))
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
		c.maySets[fn] = make(varSet)
		if recv := fn.Signature().Recv(); recv != nil && !types.IsInterface(recv.Type()) {
			c.methodsOf[fn.Name()] = append(c.methodsOf[fn.Name()], fn)
		}
	}
	info := c.pass.TypesInfo
	var inits []*ast.FuncDecl
	var initParts, varParts []*contrib
	for _, file := range c.pass.Files {
		callee := make(map[ast.Expr]bool)
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				c.valueParts = append(c.valueParts, c.contribOf(n))
			case *ast.CallExpr:
				fun := ast.Unparen(n.Fun)
				switch x := fun.(type) {
				case *ast.IndexExpr:
					fun = ast.Unparen(x.X)
				case *ast.IndexListExpr:
					fun = ast.Unparen(x.X)
				}
				callee[fun] = true
				if sel, ok := fun.(*ast.SelectorExpr); ok {
					callee[sel.Sel] = true
				}
			case *ast.Ident:
				if fn, ok := info.Uses[n].(*types.Func); ok && !callee[n] {
					c.valueParts = append(c.valueParts, &contrib{refs: []*types.Func{fn.Origin()}})
				}
			}
			return true
		})
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
			if grow(c.maySets[fn], c.mayOf(c.contribs[fn])) {
				changed = true
			}
		}
		for _, k := range c.valueParts {
			if grow(c.valueMay, c.mayOf(k)) {
				changed = true
			}
		}
	}
	c.ownValueMay = make(varSet)
	for _, k := range c.valueParts {
		c.ownValueMay.addAll(c.mayOf(k))
	}
	c.varInitMay = make(varSet)
	for _, k := range varParts {
		c.varInitMay.addAll(c.mayOf(k))
	}
	for i, d := range inits {
		c.initMay[d] = c.mayOf(initParts[i])
	}
}

// grow adds t to s and reports whether s grew.
func grow(s, t varSet) bool {
	grew := false
	for k, v := range t {
		if _, ok := s[k]; !ok {
			s[k] = v
			grew = true
		}
	}
	return grew
}

// litMaySet returns the Vars a function literal may Set.
func (c *checker) litMaySet(lit *ast.FuncLit) varSet {
	if s, ok := c.litMay[lit]; ok {
		return s
	}
	s := c.mayOf(c.contribOf(lit))
	c.litMay[lit] = s
	return s
}

// initSets returns what may be set when entry starts: everything package
// initialization may set, except what entry, an init function, sets itself.
func (c *checker) initSets(entry *ast.FuncDecl) varSet {
	s := c.initImports.clone()
	s.addAll(c.varInitMay)
	for d, m := range c.initMay {
		if d != entry {
			s.addAll(m)
		}
	}
	return s
}
