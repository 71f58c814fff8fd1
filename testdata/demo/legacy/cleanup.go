// Package legacy holds code ported from the Python service when it still
// used aiocontextvars before 0.2: it calls API that was removed and does
// not compile. Nothing imports it, so the rest of the module builds.
package legacy

import (
	"example.com/demo/reqctx"
	"github.com/ctxvar/ctxvar/ctxvar"
)

func init() {
	ctxvar.EnableInherit()
}

// EndRequest clears the request's values, as ContextVar.delete() did.
func EndRequest() {
	reqctx.User.Delete()
	reqctx.RequestID.Delete()
}
