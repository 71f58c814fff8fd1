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
	callee     types.Object // typeutil.Callee
	rt         *types.Func  // the ctxvar function or method called, or nil
	static     *types.Func  // typeutil.StaticCallee
	conversion bool         // a type conversion, not a call
	isIface    bool         // a call of an interface method, callee (interfaceCall)

	// What the call passes on, which most calls share: the zero callArgs.
	*callArgs
}

// callArgs is what a call, not of the runtime, passes to its callee that
// may run code: the interface methods its arguments offer, and the
// functions it runs on another goroutine.
type callArgs struct {
	methods []string // interfaceMethods

	// The indexes of the arguments that the callee, not one of the
	// runtime's, runs on another goroutine, as barego tells: with an empty
	// Context (a launcher's), or in a copy of the caller's (a spawner's).
	launched, spawned []int
}

// noArgs is the callArgs of the calls that pass nothing of the kind.
var noArgs = new(callArgs)

// callsPerChunk is how many callInfos callOf allocates at once: there is
// one for every call of the package.
const callsPerChunk = 64

// callOf returns what is known about call.
func (c *checker) callOf(call *ast.CallExpr) *callInfo {
	if ci, ok := c.calls[call]; ok {
		return ci
	}
	info := c.pass.TypesInfo
	if len(c.callChunk) == cap(c.callChunk) {
		c.callChunk = make([]callInfo, 0, callsPerChunk)
	}
	c.callChunk = append(c.callChunk, callInfo{callArgs: noArgs})
	ci := &c.callChunk[len(c.callChunk)-1]
	// What typeutil.StaticCallee and ctxvarapi.API.Callee return, and
	// barego's Starts answers for, all follow from typeutil.Callee, which
	// returns the origin of a generic function or method.
	ci.callee = typeutil.Callee(info, call)
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
	// The analysis handles a call of the runtime by what it does, and asks
	// nothing more of it: the runtime's own Spawn and Bind are not taken
	// for launchers, and it calls no interface method it is passed.
	if ci.rt == nil {
		var launched, spawned []int
		if ci.static != nil {
			_, launched, spawned = c.goStarts.Args(info, call)
		}
		methods := interfaceMethods(info, call, ci.callee)
		if methods != nil || launched != nil || spawned != nil {
			ci.callArgs = &callArgs{methods: methods, launched: launched, spawned: spawned}
		}
		ci.isIface = interfaceCall(info, call)
	}
	c.calls[call] = ci
	return ci
}

// iface returns the name of the interface method called, when isIface.
func (ci *callInfo) iface() string { return ci.callee.Name() }

// builtin reports whether the call is to a built-in function.
func (ci *callInfo) builtin() bool {
	_, ok := ci.callee.(*types.Builtin)
	return ok
}
