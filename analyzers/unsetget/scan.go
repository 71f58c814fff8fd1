package unsetget

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
)

// A valuePart is a function literal, or a function used as a value: what
// it may Set counts among what the package's function values may Set.
type valuePart struct {
	lit *ast.FuncLit
	ref *types.Func
}

// scan walks the package's files once for what the later steps need from
// all of the code:
//
//   - which of the package's Vars have a default, and which Vars, here or
//     imported, are assigned or addressed after their declaration (so that
//     their initializer does not tell), or used other than as the receiver
//     of a method call (so that they may be Set under another name);
//   - the package's functions that each of its functions refers to;
//   - the function literals and the functions used as values;
//   - the go statements and the calls of launchers, file by file.
func (c *checker) scan() {
	info := c.pass.TypesInfo
	c.callees = make(map[*types.Func][]*types.Func)
	c.starts = make([][]ast.Node, len(c.pass.Files))
	// A use of a Var other than as the receiver of a method call
	// (ValueIn only reads, and so do the ctxvarslog handlers that the
	// Options of ctxvarslog.Vars and Attr build, which hold the Var as a
	// ctxvar.AnyVar) lets it be Set under another name.
	allowed := make(map[ast.Expr]bool)
	slogAPI := ctxvarapi.SlogOf(c.pass.Pkg)
	// The functions called, as opposed to used as values.
	called := make(map[*ast.Ident]bool)
	seen := make(map[*types.Func]bool)
	for i, file := range c.pass.Files {
		for _, decl := range file.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					v, ok := info.Defs[name].(*types.Var)
					if !ok || !c.isVarType(v.Type()) || len(vs.Values) != len(vs.Names) {
						continue
					}
					c.localStatus[v] = c.initStatus(vs.Values[i])
				}
			}
		}
		for _, decl := range file.Decls {
			// What is recorded in the maps is looked up below the node
			// that records it, in the same declaration.
			clear(allowed)
			clear(called)
			clear(seen)
			var fn *types.Func // the function whose body this is
			if fd, ok := decl.(*ast.FuncDecl); ok {
				if f, ok := info.Defs[fd.Name].(*types.Func); ok && c.decls[f] == fd {
					fn = f
				}
			}
			ast.Inspect(decl, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.GoStmt:
					c.starts[i] = append(c.starts[i], n)
				case *ast.CallExpr:
					ci := c.callOf(n)
					if rt := ci.rt; rt != nil {
						if rt.Signature().Recv() != nil {
							allowed[ast.Unparen(ctxvarapi.Receiver(n))] = true
						} else if rt == c.api.ValueIn && len(n.Args) == 2 {
							allowed[ast.Unparen(n.Args[1])] = true
						}
					} else if slogAPI != nil && ci.static != nil && !n.Ellipsis.IsValid() {
						switch ci.static {
						case slogAPI.Vars:
							for _, a := range n.Args {
								allowed[ast.Unparen(a)] = true
							}
						case slogAPI.Attr:
							if len(n.Args) == 2 {
								allowed[ast.Unparen(n.Args[1])] = true
							}
						}
					}
					if len(ci.launched) > 0 {
						c.starts[i] = append(c.starts[i], n)
					}
					switch fun := ctxvarapi.StripIndex(n.Fun).(type) {
					case *ast.Ident:
						called[fun] = true
					case *ast.SelectorExpr:
						called[fun.Sel] = true
					}
				case *ast.FuncLit:
					c.values = append(c.values, valuePart{lit: n})
				case *ast.AssignStmt:
					for _, lhs := range n.Lhs {
						if v := c.trackedVar(lhs); v != nil {
							c.unsure.add(c.numOf(v))
							allowed[ast.Unparen(lhs)] = true
						}
					}
				case *ast.UnaryExpr:
					if n.Op == token.AND {
						if v := c.trackedVar(n.X); v != nil {
							c.unsure.add(c.numOf(v))
						}
					}
				case *ast.SelectorExpr:
					if _, ok := info.Selections[n]; !ok {
						if v := c.trackedVar(n); v != nil {
							if !allowed[n] {
								c.escSels[n] = c.numOf(v)
							}
							// What is below is the package name and the
							// Var's: nothing more to find there.
							return false
						}
					}
				case *ast.Ident:
					switch obj := info.Uses[n].(type) {
					case *types.Var:
						if c.tracked(obj) && !allowed[n] {
							c.escIdents[n] = c.numOf(obj)
						}
					case *types.Func:
						g := obj.Origin()
						if fn != nil && !seen[g] {
							if _, local := c.decls[g]; local {
								seen[g] = true
								c.callees[fn] = append(c.callees[fn], g)
							}
						}
						if !called[n] {
							c.values = append(c.values, valuePart{ref: g})
						}
					}
				}
				return true
			})
		}
	}
	c.ownEscaped = newVarSet()
	for _, i := range c.escIdents {
		c.ownEscaped.add(i)
	}
	for _, i := range c.escSels {
		c.ownEscaped.add(i)
	}
	c.escaped.addAll(c.ownEscaped)
}
