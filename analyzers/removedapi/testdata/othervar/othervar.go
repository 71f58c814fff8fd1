// Package ctxvar is an unrelated package that happens to share the
// runtime's name: its missing names are not the runtime's.
package ctxvar

// Var is not the runtime's Var.
type Var struct{}

// Flag exists so that the package has a use.
var Flag = true
