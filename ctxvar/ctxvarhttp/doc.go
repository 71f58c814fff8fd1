// Package ctxvarhttp is net/http middleware that runs each request in a
// ctxvar Context of its own.
//
//	var service = ctxvar.New[string]("service")
//	var requestID = ctxvar.New[string]("request_id")
//
//	func main() {
//		service.Set("checkout")
//		h := ctxvarhttp.Handler(mux, ctxvarhttp.RequestID(requestID, ""))
//		log.Fatal(http.ListenAndServe(":8080", h))
//	}
//
// Every request handled by h starts with service = "checkout" and its own
// request_id; whatever a handler Sets is gone when it returns, whether or
// not it Resets.
//
// # HTTP/1.x: the middleware is what isolates requests
//
// net/http serves the requests of an HTTP/1.x keep-alive connection one
// after another on the same goroutine, which it starts with a bare go
// statement. Without the middleware that goroutine has one Context for the
// whole connection: a handler that Sets a Var and does not Reset it (a
// forgotten Reset, an early return before the defer was written, a panic
// recovered by an outer handler) leaks the value into the next request on
// the connection, which may be another user's. Handler puts the goroutine in
// a fresh Context for each request and back in its previous one afterwards,
// so that no request sees another's values.
//
// # HTTP/2: a goroutine per request
//
// net/http runs each HTTP/2 request's handler on a goroutine of its own, so
// requests do not leak into each other even without the middleware; but that
// goroutine starts with an empty Context. The middleware still gives each
// request the base snapshot, and it releases the state that the request's
// Sets made as soon as the handler returns, rather than leaving it for the
// runtime's sweeper to collect after the goroutine has exited. The
// middleware behaves the same on both versions; so do handlers behind it.
//
// # Which Context a request starts from
//
// A request starts from a snapshot taken once, when Handler is called: of
// the Context current in the calling goroutine, or of the Context given with
// Base. The alternative, copying the serving goroutine's Context when the
// request arrives, is exactly the leak described above: on an HTTP/1.x
// connection that Context holds what earlier requests (or code wrapped around
// the middleware) left in it. A snapshot at construction is also what makes
// the values deterministic: the values a program sets up in main before
// building its server, such as a service name or a build version, reach
// every request, and nothing set later, anywhere, does. To pass a value from
// an outer middleware to the handler, set it in a Hook, or wrap the outer
// middleware inside Handler rather than around it.
//
// # Panics
//
// A panic in the handler, http.ErrAbortHandler included, reaches net/http
// (or whatever wraps the middleware) unchanged: the same value, so that
// errors.Is and == still recognise it. By then the goroutine is back in its
// previous Context and the request's state is released, so a recovering
// outer handler runs in its own Context, and the connection's next request,
// if net/http keeps the connection, starts clean.
//
// # Cost
//
// The middleware adds about 20ns and no allocation to a request whose
// handler sets nothing (BenchmarkServe in bench_test.go, on an AMD EPYC): it
// is ctxvar.BindArg built once in Handler, and each request passes its writer
// and request by value, so no closure is made per request. Sets inside the
// request cost what a Set costs in any fresh Context, and the state they make
// is released when the request ends: measured with the runtime as it is
// now, a Set left without Reset adds about 300ns and 4 allocations, and
// one that is Reset about 200ns and 1 allocation, because the runtime reuses
// a bound call's state only when no token is left over.
//
// RequestID adds a Set and the response header's []string when the request
// carries a valid ID: about 400ns and 5 allocations in all. For a request
// without one, NewRequestID adds about 100ns and 1 allocation more, most of
// it the read from crypto/rand; that is five times what the middleware
// itself costs, so a service behind a proxy that assigns IDs saves it.
package ctxvarhttp
