// Package b is a library used by a: Var-reading helpers, launchers and
// Spawn-like wrappers, seen from a through facts.
package b

import (
	"sync"
	"time"

	"example.com/barego/c"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var RequestID = ctxvar.New("requestID", ctxvar.Default("none"))

var User = ctxvar.New[string]("user")

func ID() string { // want ID:"reads RequestID.Get"
	return RequestID.Get()
}

// Deep reads c.Tenant two calls down.
func Deep() string { // want Deep:"reads c.Tenant.Lookup"
	return mid()
}

func mid() string { // want mid:"reads c.Tenant.Lookup"
	return c.TenantName()
}

// WithUser sets User before reading it: it builds its own Context.
func WithUser(name string) string { // want WithUser:"sets User"
	defer User.Reset(User.Set(name))
	return User.Get()
}

func Process[T any](x T) { // want Process:"reads RequestID.GetOr"
	_ = RequestID.GetOr("?")
	_ = x
}

type Server struct {
	Tenant *ctxvar.Var[string]
}

func (s *Server) Handle() { // want Handle:"reads param s.Tenant.Get"
	_ = s.Tenant.Get()
}

// Settings groups Vars in a struct; Config holds them. A read through
// Config names the Var as the code does, Config.Region; a read through
// any other value of the type names it by the type.
type Settings struct {
	Region *ctxvar.Var[string]
	Limits Limits
}

type Limits struct {
	Burst *ctxvar.Var[int]
}

var Config = Settings{
	Region: ctxvar.New[string]("region"),
	Limits: Limits{Burst: ctxvar.New("burst", ctxvar.Default(10))},
}

func Region() string { // want Region:"reads Config.Region.Get"
	return Config.Region.Get()
}

func Burst() int { // want Burst:"reads Config.Limits.Burst.GetOr"
	return (Config.Limits).Burst.GetOr(1)
}

func (s *Settings) Describe() string { // want Describe:"reads Config.Region.Get; reads param s.Region.Get"
	return s.Region.Get() + Config.Region.Get()
}

// Go is a Spawn: its callers' functions run in their Context.
func Go(fn func()) { // want Go:"binds fn to the caller's Context" Go:"carries ctxvar.Spawn"
	ctxvar.Spawn(fn)
}

// GoVia is a Spawn through another Spawn.
func GoVia(fn func()) { // want GoVia:"binds fn to the caller's Context" GoVia:"carries ctxvar.Spawn"
	Go(fn)
}

// SafeAsync binds fn before starting it.
func SafeAsync(fn func()) { // want SafeAsync:"binds fn to the caller's Context" SafeAsync:"carries ctxvar.Bind"
	go ctxvar.Bind(fn)()
}

// Reassigned replaces its parameter: it is not a wrapper of any kind.
func Reassigned(fn func()) { // want Reassigned:"carries ctxvar.Bind"
	fn = ctxvar.Bind(fn)
	go fn()
}

// Async is a launcher: its own go statement is not reported.
func Async(fn func()) { // want Async:"runs fn on another goroutine"
	go fn()
}

// AsyncTwice is a launcher through a launcher declared after it.
func AsyncTwice(fn func()) { // want AsyncTwice:"runs fn on another goroutine"
	asyncLater(fn)
}

func asyncLater(fn func()) { // want asyncLater:"runs fn on another goroutine"
	Async(fn)
}

// After is a launcher through time.AfterFunc.
func After(d time.Duration, fn func()) { // want After:"runs fn on another goroutine"
	time.AfterFunc(d, fn)
}

type Pool struct{ wg sync.WaitGroup }

// Submit launches task from a closure.
func (p *Pool) Submit(name string, task func()) { // want Submit:"runs task on another goroutine"
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		task()
	}()
	_ = name
}

// Later queues fn for a worker: barego cannot see that fn runs on another
// goroutine, unless told with -launchers.
func Later(fn func()) {
	queue <- fn
}

type Queue struct{ ch chan func() }

func (q *Queue) Push(fn func()) { q.ch <- fn }

var queue = make(chan func(), 16)

func init() {
	go func() {
		for fn := range queue {
			fn()
		}
	}()
}

// Background sets RequestID in the new goroutine before it runs fn: fn
// does not run in an empty Context, and Background is not a launcher.
func Background(fn func()) {
	go func() {
		defer RequestID.Reset(RequestID.Set("background"))
		fn()
	}()
}

// Hooked runs a hook that may set any Var before fn: it launches the hook,
// not fn.
func Hooked(hook, fn func()) { // want Hooked:"runs hook on another goroutine"
	go func() {
		hook()
		fn()
	}()
}
