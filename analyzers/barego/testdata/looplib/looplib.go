// Package looplib has a function that serves a stream of work, seen from
// package loops through its fact.
package looplib

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var Tenant = ctxvar.New("tenant", ctxvar.Default(""))

// Serve runs the jobs it receives until jobs is closed.
func Serve(jobs <-chan func() error) { // want Serve:"reads Tenant.Get; sets any Var; loops"
	fmt.Println("serving", Tenant.Get())
	for job := range jobs {
		_ = job()
	}
}
