// Package b is a library: its functions are never reported, only
// summarized in facts for the packages that call them.
package b

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var RequestID = ctxvar.New[string]("requestID") // want RequestID:"noDefault"

var Tenant = ctxvar.New("tenant", ctxvar.Default("none")) // want Tenant:"hasDefault"

var User = ctxvar.New[string]("user") // want User:"noDefault"

var options = []ctxvar.Option[string]{ctxvar.Default("x")}

// Custom is not created by a plain ctxvar.New call: no fact.
var Custom = ctxvar.New("custom", options...)

func Helper() string { // want Helper:"^requires RequestID$"
	return RequestID.Get()
}

// Deep requires what Helper requires.
func Deep() string { // want Deep:"^requires RequestID$"
	return "deep " + Helper()
}

func TenantName() string {
	return Tenant.Get()
}

func CustomName() string {
	return Custom.Get()
}

func Maybe() (string, bool) {
	return RequestID.Lookup()
}

func Or() string {
	return RequestID.GetOr("none")
}

// SetRequest leaves RequestID set for its caller.
func SetRequest(id string) { // want SetRequest:"^sets RequestID; may set RequestID$"
	RequestID.Set(id)
}

// WithUser restores User before it returns: it does not set it for its
// caller, and needs nothing from it.
func WithUser(name string) string { // want WithUser:"^may set User$"
	defer User.Reset(User.Set(name))
	return User.Get()
}

func Generic[T any](x T) string { // want Generic:"^requires RequestID$"
	return fmt.Sprint(x) + RequestID.Get()
}

type Server struct{ Name string }

func (s *Server) Handle() string { // want Handle:"^requires RequestID$"
	return s.Name + RequestID.Get()
}

// Background starts its work in a copy of the caller's Context: the
// caller must have set RequestID.
func Background() { // want Background:"^requires RequestID$"
	ctxvar.Spawn(func() {
		_ = RequestID.Get()
	})
}

// Callback binds a callback to the caller's Context.
func Callback() func() { // want Callback:"^requires RequestID$"
	return ctxvar.Bind(func() {
		_ = RequestID.Get()
	})
}

// Unused is reached from no entry: it is never reported.
func Unused() string { // want Unused:"^requires User$"
	return User.Get()
}

func Die(msg string) { // want Die:"^noReturn$"
	panic(msg)
}

// Setter and Getter are met through interfaces.
type Setter interface{ Setup() }

type Getter interface{ Value() string }

type Impl struct{}

func (Impl) Setup() { // want Setup:"^sets User; may set User$"
	User.Set("impl")
}

func (Impl) Value() string { // want Value:"^requires User$"
	return User.Get()
}
