// Package paramlib has helpers that read or set the Vars their parameters
// hold, seen from package params through facts.
package paramlib

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var Trace = ctxvar.New("trace", ctxvar.Default(""))

func LogWith(v *ctxvar.Var[string]) { // want LogWith:"reads param v.Get"
	fmt.Println(v.Get())
}

// Forward reads its parameter through LogWith.
func Forward(v *ctxvar.Var[string]) { // want Forward:"reads param v.Get"
	LogWith(v)
}

func Total[T any](v *ctxvar.Var[T]) T { // want Total:"reads param v.GetOr"
	var zero T
	return v.GetOr(zero)
}

// WithValue sets its parameter before reading it.
func WithValue(v *ctxvar.Var[string], val string) { // want WithValue:"sets param v"
	defer v.Reset(v.Set(val))
	LogWith(v)
}

// Set sets its parameter: a read of the Var after a call of Set reads
// what Set set.
func Set(v *ctxvar.Var[string]) { // want Set:"sets param v"
	v.Set("set")
}

// Read reads what its type argument's Get returns: a Var's, when it is
// called with one.
func Read[V interface{ Get() string }](v V) string { // want Read:"reads param v.Get \\(dynamic\\); sets any Var"
	return v.Get()
}

type Settings struct {
	Region *ctxvar.Var[string]
}

var Config = Settings{Region: ctxvar.New[string]("region")}

func RegionOf(s *Settings) string { // want RegionOf:"reads param s.Region.Get"
	return s.Region.Get()
}

func (s *Settings) CurrentRegion() string { // want CurrentRegion:"reads param s.Region.Get"
	return s.Region.Get()
}
