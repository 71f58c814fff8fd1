// Package b exports factories: their facts tell localvar that their calls
// make new Vars.
package b

import "github.com/ctxvar/ctxvar/ctxvar"

// Key returns a new Var.
func Key[T any](name string) *ctxvar.Var[T] { // want Key:"returns a new Var"
	return ctxvar.New[T](name)
}

// WithDefault returns a new Var with a default, and no error.
func WithDefault[T any](name string, def T) (*ctxvar.Var[T], error) { // want WithDefault:"returns a new Var"
	v := ctxvar.New(name, ctxvar.Default(def))
	return v, nil
}

// Registry returns the Var of each name, made once.
type Registry struct {
	m map[string]*ctxvar.Var[string]
}

func (r *Registry) Var(name string) *ctxvar.Var[string] {
	if v, ok := r.m[name]; ok {
		return v
	}
	v := ctxvar.New[string](name)
	r.m[name] = v
	return v
}

// Maker makes Vars.
type Maker struct{}

// Make returns a new Var.
func (Maker) Make(name string) *ctxvar.Var[int] { // want Make:"returns a new Var"
	return ctxvar.New[int](name)
}

var key = Key[string]("key")

func useKey() string { return key.GetOr("") }
