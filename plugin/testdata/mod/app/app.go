// Package app uses context variables in the ways ctxvarlint reports. A
// comment "want" followed by a quoted string marks a finding: the string
// starts the text.
package app

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"

	"example.com/gcltest/pool"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var user = ctxvar.New[string]("user")

// Handle starts audit on a bare goroutine, where requestID is "none".
func Handle(id string) {
	defer requestID.Reset(requestID.Set(id))
	go audit() // want "barego: goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values"
}

func audit() { fmt.Println(requestID.Get()) }

// Tag sets requestID and never restores it.
func Tag(id string) {
	requestID.Set(id) // want "losttoken: the token returned by requestID.Set is discarded"
}

// Greet reads user, which has no default: its callers must set it.
func Greet() {
	ctxvar.Spawn(func() { fmt.Println("hello", user.Get()) })
}

// Submit hands audit to a pool's worker, where requestID is "none".
func Submit(p *pool.Pool, id string) {
	defer requestID.Reset(requestID.Set(id))
	p.Go(audit) // want "barego: pool.(*Pool).Go runs its function on another goroutine with an empty Context"
}

// Serve hands a function that reads user, which has no default, to a
// pool's worker, where it is unset: unsetget reports the Get, which panics,
// once the launchers setting tells that p.Go starts a goroutine. barego's
// finding on the same call is suppressed, so that --fix leaves the call as
// it is.
func Serve(p *pool.Pool) {
	defer user.Reset(user.Set("admin"))
	//lint:ignore barego unsetget reports the Get below, which panics
	p.Go(func() {
		fmt.Println("serving", user.Get()) // want "unsetget: user.Get can panic with a LookupError: user has no default and is not set on a path from the goroutine started by pool.Pool.Go"
	})
}

// Quiet has Handle's, Tag's and Submit's bugs, suppressed.
func Quiet(p *pool.Pool, id string) {
	go audit()        //nolint:ctxvarlint // audit may log "none"
	requestID.Set(id) //nolint:ctxvarlint
	//nolint:ctxvarlint // audit may log "none"
	p.Go(audit)
	//lint:ignore barego audit may log "none"
	go audit()
}

// Fine uses the Context correctly.
func Fine(p *pool.Pool, id string) {
	defer requestID.Reset(requestID.Set(id))
	ctxvar.Spawn(audit)
	p.Go(ctxvar.Bind(audit))
	defer user.Reset(user.Set("admin"))
	Greet()
}
