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

// A hook stored first is checked: the analyzer cannot tell where it runs.
func storedHook(next http.Handler) http.Handler {
	hook := func(r *http.Request) {
		user.Set(r.Header.Get("X-User")) // want `the token returned by user.Set is discarded`
	}
	return ctxvarhttp.Handler(next, ctxvarhttp.Hook(hook))
}
