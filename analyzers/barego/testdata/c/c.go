// Package c declares a Var that b reads, so that reads travel two packages.
package c

import "github.com/ctxvar/ctxvar/ctxvar"

var Tenant = ctxvar.New[string]("tenant")

func TenantName() string { // want TenantName:"reads Tenant.Lookup"
	name, _ := Tenant.Lookup()
	return name
}

// Unrelated has no fact: it never uses the Context.
func Unrelated() int { return 1 }
