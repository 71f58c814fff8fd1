package ctxvarapi

import "go/types"

// HTTPPath is the import path of ctxvarhttp, the runtime's net/http
// middleware.
const HTTPPath = Path + "/ctxvarhttp"

// HTTPHookOf returns ctxvarhttp.Hook when pkg is ctxvarhttp or imports it
// directly, or nil: a package passes a function to Hook only by importing
// it. Hook runs its function in the request's Context, which ends with the
// request.
func HTTPHookOf(pkg *types.Package) *types.Func {
	hp := pkg
	if pkg.Path() != HTTPPath {
		hp = nil
		for _, imp := range pkg.Imports() {
			if imp.Path() == HTTPPath {
				hp = imp
			}
		}
	}
	if hp == nil {
		return nil
	}
	f, _ := hp.Scope().Lookup("Hook").(*types.Func)
	return f
}
