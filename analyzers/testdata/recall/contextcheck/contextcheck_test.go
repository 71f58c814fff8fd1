package contextcheck

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// Tests are entries: a chain of calls that reads user before any Set.

func TestChain(t *testing.T) {
	f2() // mistake: unsetget [interproc]
	f7() // ok: unsetget [reset-func]
	useReturned()
	fIterBody()
}

func TestChainSet(t *testing.T) {
	defer user.Reset(user.Set("test"))
	f2() // ok: unsetget [interproc]
	f7() // ok: unsetget [reset-func]
}

// A Copy taken before the Set does not have it.
func TestCopyBeforeSet(t *testing.T) {
	c := ctxvar.Copy()
	defer user.Reset(user.Set("late"))
	c.Run(f2)             // mistake: unsetget [copy-run]
	ctxvar.Copy().Run(f2) // ok: unsetget [copy-run]
}

// The requests go through ctxvarhttp.Handler, which sets requestID, and
// f11's handler sets user.
func TestServer(t *testing.T) {
	srv := f11()
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestHandlerWithoutMiddleware(t *testing.T) {
	w := httptest.NewRecorder()
	f8(w, httptest.NewRequest(http.MethodGet, "/", nil)) // mistake: unsetget [http]
	f9(w, httptest.NewRequest(http.MethodGet, "/", nil)) // mistake: unsetget [http]
}
