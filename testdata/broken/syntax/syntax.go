// Package syntax does not parse: a go statement starts a function literal
// without calling it.
package syntax

import "github.com/ctxvar/ctxvar/ctxvar"

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

// Handle serves a request.
func Handle(id string) {
	defer requestID.Reset(requestID.Set(id))
	go func() { println(requestID.Get()) }
}

// Forget clears the request ID the way Python code ported from
// aiocontextvars before 0.2 did.
func Forget() {
	requestID.Delete() // want removedapi `Delete`
}
