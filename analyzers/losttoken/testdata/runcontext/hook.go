package runcontext

import (
	"net/http"

	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
)

// A Hook runs in the request's Context, which ends with the request: its
// Sets need no Reset.
func handler(next http.Handler) http.Handler {
	return ctxvarhttp.Handler(next, ctxvarhttp.Hook(func(r *http.Request) {
		user.Set(r.Header.Get("X-User"))
	}))
}

// A hook stored in a local variable that is only passed to Hook runs there
// too: silent.
func storedHook(next http.Handler) http.Handler {
	hook := func(r *http.Request) {
		user.Set(r.Header.Get("X-User"))
	}
	return ctxvarhttp.Handler(next, ctxvarhttp.Hook(hook))
}
