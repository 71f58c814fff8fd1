package unsetget

import (
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/types/typeutil"
)

// A callInfo is what the analysis needs to know about a call expression.
// The passes and the flow analysis visit each call many times, so it is
// worked out once.
type callInfo struct {
	conversion bool         // a type conversion, not a call
	callee     types.Object // typeutil.Callee
	rt         *types.Func  // the ctxvar function or method called, or nil
	static     *types.Func  // typeutil.StaticCallee
	methods    []string     // interfaceMethods
	iface      string       // interfaceCall
	isIface    bool

	// The indexes of the arguments that the callee, not one of the
	// runtime's, runs on another goroutine, as barego tells: with an empty
	// Context (a launcher's), or in a copy of the caller's (a spawner's).
	launched, spawned []int
}

// callOf returns what is known about call.
func (c *checker) callOf(call *ast.CallExpr) *callInfo {
	if ci, ok := c.calls[call]; ok {
		return ci
	}
	info := c.pass.TypesInfo
	// What typeutil.StaticCallee and ctxvarapi.API.Callee return, and
	// barego's Starts answers for, all follow from typeutil.Callee, which
	// returns the origin of a generic function or method.
	ci := &callInfo{callee: typeutil.Callee(info, call)}
	if fn, ok := ci.callee.(*types.Func); ok {
		if recv := fn.Signature().Recv(); recv == nil || !types.IsInterface(recv.Type()) {
			ci.static = fn
		}
		if fn.Pkg() == c.api.Pkg {
			ci.rt = fn
		}
	}
	// A conversion has no callee; most calls have one.
	if ci.callee == nil {
		if tv, ok := info.Types[ast.Unparen(call.Fun)]; ok && tv.IsType() {
			ci.conversion = true
		}
	}
	if ci.static != nil && ci.rt == nil {
		// The runtime's own Spawn and Bind are handled as runtime calls.
		_, ci.launched, ci.spawned = c.goStarts.Args(info, call)
	}
	ci.methods = interfaceMethods(info, call)
	ci.iface, ci.isIface = interfaceCall(info, call)
	c.calls[call] = ci
	return ci
}

// builtin reports whether the call is to a built-in function.
func (ci *callInfo) builtin() bool {
	_, ok := ci.callee.(*types.Builtin)
	return ok
}
