package b

import (
	other "example.com/removedapi/othervar"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// A type with methods of the same names is not a Var.
type store struct{}

func (store) Delete()               {}
func (store) Get(def string) string { return def }
func (store) EnableInherit()        {}

// A type that embeds a Var is not one either: its missing methods are its
// own business.
type wrapped struct {
	*ctxvar.Var[string]
}

func negatives(s store, w wrapped) {
	s.Delete()
	_ = s.Get("x")
	s.EnableInherit()
	w.Delete()
	other.EnableInherit()
	_ = other.Flag
	requestID.Missing()
	ctxvar.Unknown()
	undefinedVar.Delete()
	_ = requestID.Get()
	_ = requestID.GetOr("x")
	tok := requestID.Set("x")
	requestID.Reset(tok)
	ctxvar.Copy().Run(func() {})
}
