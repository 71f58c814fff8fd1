package barego

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// fileChecks holds the nodes of a file that run checks, in the order of the
// source: go statements and the calls that may launch.
type fileChecks struct {
	file   *ast.File
	checks []check
}

// A check is a go statement or a call that may launch, with where it is.
type check struct {
	node ast.Node
	body *ast.BlockStmt // of the innermost function around it
	decl *ast.FuncDecl  // the declaration around it, if any
}

// collect walks each file once. It registers every function with a body, a
// declaration before the literals in it, as summarize needs them; it
// records the calls of each function that can matter to its summary (a
// function without any needs no control-flow graph); and it records the
// nodes run checks.
func (pa *pkgAnalysis) collect() {
	// A scope is a function being walked.
	type scope struct {
		fn       *fnode // nil when the function is not summarized
		depth    int    // the depth of its node in the walk
		register bool   // register the literals in it: false in a declaration without an object
		body     *ast.BlockStmt
		decl     *ast.FuncDecl
	}
	for _, f := range pa.pass.Files {
		fc := &fileChecks{file: f}
		var stack []scope
		depth := 0                          // of the nodes being walked
		var goCall, deferCall *ast.CallExpr // the calls of the last go and defer statements
		// top returns the innermost function.
		top := func() scope {
			if len(stack) == 0 {
				return scope{register: true}
			}
			return stack[len(stack)-1]
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case nil: // the end of the node at depth-1
				depth--
				if len(stack) > 0 && stack[len(stack)-1].depth == depth {
					stack = stack[:len(stack)-1]
				}
				return false
			case *ast.Ident, *ast.BasicLit, *ast.CommentGroup:
				return false // leaves: spare the call that ends their walk
			case *ast.FieldList, *ast.FuncType, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StructType, *ast.InterfaceType:
				// Types hold no function literals or go statements, and
				// no calls but those of builtins and conversions in
				// constant array lengths, which do not matter.
				return false
			case *ast.GenDecl:
				if n.Tok == token.IMPORT || n.Tok == token.TYPE {
					return false // no calls
				}
			case *ast.FuncDecl:
				if n.Body == nil {
					return false
				}
				obj, _ := pa.info.Defs[n.Name].(*types.Func)
				var decl *fnode
				if obj != nil {
					pa.at.At(n.Body.Lbrace)
					decl = pa.newNode(n.Body)
					pa.decls[obj] = decl
					pa.registerParams(obj.Signature())
				}
				stack = append(stack, scope{decl, depth, obj != nil, n.Body, n})
			case *ast.FuncLit:
				var lit *fnode
				register := top().register
				if register {
					pa.at.At(n.Body.Lbrace)
					lit = pa.newNode(n.Body)
					pa.lits[n] = lit
					sig, _ := pa.info.TypeOf(n).(*types.Signature)
					pa.registerParams(sig)
				}
				stack = append(stack, scope{lit, depth, register, n.Body, top().decl})
			case *ast.GoStmt:
				fc.checks = append(fc.checks, check{n, top().body, top().decl})
				goCall = n.Call
			case *ast.AssignStmt:
				for _, lhs := range n.Lhs {
					pa.noteWrite(lhs)
				}
			case *ast.IncDecStmt:
				pa.noteWrite(n.X)
			case *ast.RangeStmt:
				if n.Tok == token.ASSIGN {
					for _, e := range []ast.Expr{n.Key, n.Value} {
						if e != nil {
							pa.noteWrite(e)
						}
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					pa.noteWrite(n.X)
				}
			case *ast.SliceExpr:
				if t := pa.info.TypeOf(n.X); t != nil && isArray(t) {
					pa.noteWrite(n.X) // slicing an array takes its address
				}
			case *ast.SelectorExpr:
				// x.M, with M's receiver a pointer and x not, takes &x.
				if id, ok := n.X.(*ast.Ident); ok {
					if v, ok := pa.info.Uses[id].(*types.Var); ok && (pa.isParam(v) || v.Parent() == pa.pass.Pkg.Scope()) {
						if sel, ok := pa.info.Selections[n]; ok && sel.Kind() == types.MethodVal && !sel.Indirect() {
							if m, ok := sel.Obj().(*types.Func); ok && isPointerType(m.Signature().Recv().Type()) && !isPointerType(v.Type()) {
								pa.noteWrite(id)
							}
						}
					}
				}
			case *ast.DeferStmt:
				deferCall = n.Call
			case *ast.CallExpr:
				callee := typeutil.Callee(pa.info, n)
				var info *calleeInfo
				if fn, ok := callee.(*types.Func); ok {
					info = pa.calleeInfo(fn)
				}
				if info != nil && info.mayLaunch {
					fc.checks = append(fc.checks, check{n, top().body, top().decl})
				}
				if fn := top().fn; fn != nil && n != goCall { // a go statement's call runs elsewhere
					if a := pa.classifyCall(n, callee, info); a != nil {
						fn.calls = append(fn.calls, callRecord{n, a, n == deferCall})
					}
				}
			}
			depth++
			return true
		})
		pa.files = append(pa.files, fc)
	}
}

// A calleeInfo is what collect needs to know of a function that the
// package calls statically.
type calleeInfo struct {
	dynamic bool // an interface method: its calls have no static callee

	// action is the action of its calls, nil when they cannot matter:
	// a function of another package that has no Uses fact (unless it logs
	// through log/slog where a ctxvarslog handler reads Vars).
	action *action

	// mayLaunch is set when a call of it may run a function argument on
	// another goroutine, so that run checks it: it is a configured launcher
	// or spawner, a launcher by an imported fact, or a function of this
	// package, which findWrappers may find to be one.
	mayLaunch bool
}

// calleeInfo returns the calleeInfo of fn, a generic origin; it is
// computed once.
func (pa *pkgAnalysis) calleeInfo(fn *types.Func) *calleeInfo {
	if info, ok := pa.callees[fn]; ok {
		return info
	}
	info := new(calleeInfo)
	pa.callees[fn] = info
	if isInterfaceMethod(fn) {
		info.dynamic = true
		return info
	}
	local := fn.Pkg() == pa.pass.Pkg
	if local || pa.funcSummary(fn) != nil {
		info.action = &action{kind: evCall, callee: fn}
	} else {
		info.action = pa.logAction(fn)
	}
	// Its Launcher fact alone tells, and spares a look-up of its Binder
	// fact, which roles would make too.
	info.mayLaunch = local || configured(pa.set, fn) != unconfigured || pa.pass.ImportObjectFact(fn, &pa.launcher)
	return info
}

// A callRecord is a call that can matter to the summary of the function
// it is in.
type callRecord struct {
	call     *ast.CallExpr
	action   *action
	deferred bool // the call of a defer statement
}

func isPointerType(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

func isArray(t types.Type) bool {
	_, ok := t.Underlying().(*types.Array)
	return ok
}
