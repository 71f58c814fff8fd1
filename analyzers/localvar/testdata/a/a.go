// Package a holds the calls of ctxvar.New that localvar must tell apart.
package a

import (
	"sync"

	"github.com/ctxvar/ctxvar/ctxvar"
)

func process() {}

// Made once, at package level: fine.

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

var tenants = func() []*ctxvar.Var[string] {
	var vs []*ctxvar.Var[string]
	for _, n := range []string{"a", "b"} {
		vs = append(vs, ctxvar.New[string](n))
	}
	return vs
}()

var inPlace = func() *ctxvar.Var[int] {
	v := ctxvar.New[int]("inPlace")
	return v
}()

var grouped = struct{ user *ctxvar.Var[string] }{user: ctxvar.New[string]("user")}

// newVar is a factory: its calls make new Vars. Called from package-level
// initializers only, it is fine.
func newVar(name string) *ctxvar.Var[string] {
	return ctxvar.New[string](name)
}

var sessionID = newVar("session_id")

// newVarVia returns what newVar returns: a factory too.
func newVarVia(name string) *ctxvar.Var[string] {
	v := newVar(name)
	return v
}

var traceID = newVarVia("trace_id")

// newVarInPlace returns the Var a literal called in place makes.
func newVarInPlace() *ctxvar.Var[string] {
	return func() *ctxvar.Var[string] { return ctxvar.New[string]("inplace") }()
}

var placed = newVarInPlace()

func anyVar(name string) ctxvar.AnyVar {
	return ctxvar.New[string](name)
}

var anyID = anyVar("any")

func init() {
	v := ctxvar.New[string]("init")
	v.Set("x")
	lazy = ctxvar.New[string]("lazy")
}

var lazy *ctxvar.Var[string]

var getVar = sync.OnceValue(func() *ctxvar.Var[string] {
	return ctxvar.New[string]("once")
})

var once sync.Once

var onceVar *ctxvar.Var[string]

func setup() {
	once.Do(func() {
		onceVar = ctxvar.New[string]("onceVar")
	})
}

// Made at each call: reported.

func handle(t string) {
	tenant := ctxvar.New[string]("tenant") // want `^ctxvar\.New inside handle makes a new Var at each call: values set on it are invisible through the next one; declare it once at package level: var tenant = ctxvar\.New\[string\]\("tenant"\)$`
	defer tenant.Reset(tenant.Set(t))
	process()
}

func readFresh() string {
	return ctxvar.New("user", ctxvar.Default("anonymous")).Get() // want `^ctxvar\.New inside readFresh makes a new Var at each call: values set on it are invisible through the next one; declare it once at package level: var user = ctxvar\.New\("user", ctxvar\.Default\("anonymous"\)\)$`
}

func inLoop(names []string) {
	for _, n := range names {
		v := ctxvar.New[string](n) // want `^ctxvar\.New in a loop in inLoop makes a new Var at each iteration: values set on one are invisible through the next; declare it once at package level: var v = ctxvar\.New\[string\]\(\.\.\.\)$`
		v.Set("x")
	}
}

func viaFactory(id string) {
	defer newVar("request_id").Set(id) // want `^newVar returns a new Var at each call, and viaFactory calls it at each of its own calls: values set on one Var are invisible through the next; call it once, at package level: var request_id = newVar\("request_id"\)$`
}

func viaFactoryInLoop(ids []string) {
	for _, id := range ids {
		v := newVarVia("id") // want `^newVarVia returns a new Var at each call, and a loop in viaFactoryInLoop calls it at each iteration`
		v.Set(id)
	}
}

func viaInPlaceFactory() string {
	return newVarInPlace().GetOr("") // want `^newVarInPlace returns a new Var at each call`
}

func literal() func() {
	return func() {
		counter := ctxvar.New[int]("counter") // want `^ctxvar\.New inside a function literal in literal makes a new Var at each call`
		counter.Set(1)
	}
}

type server struct{}

func (s *server) serve() {
	v := ctxvar.New[string]("serve") // want `ctxvar\.New inside serve makes a new Var at each call`
	_ = v.GetOr("")
}

func generic[T any](x T) {
	v := ctxvar.New[T]("generic") // want `ctxvar\.New inside generic makes a new Var at each call`
	defer v.Reset(v.Set(x))
}

func discarded() {
	ctxvar.New[string]("dropped") // want `ctxvar\.New inside discarded`
}

func lookedUp(c *ctxvar.Context) bool {
	_, ok := ctxvar.ValueIn(c, ctxvar.New[string]("lookup")) // want `ctxvar\.New inside lookedUp`
	return ok
}

func spawned() {
	v := ctxvar.New[string]("spawned") // want `ctxvar\.New inside spawned`
	defer v.Reset(v.Set("x"))
	ctxvar.Spawn(func() { _ = v.GetOr("") })
	go func() { _ = v.GetOr("") }()
}

func inPlaceInFunction() string {
	v := func() *ctxvar.Var[string] { return ctxvar.New[string]("x") }() // want `ctxvar\.New inside inPlaceInFunction makes a new Var at each call`
	return v.GetOr("")
}

func declared() {
	var w = ctxvar.New[string]("w") // want `ctxvar\.New inside declared makes a new Var at each call`
	_ = w.GetOr("")
}

func ignored() {
	//lint:ignore localvar the Var only checks that Set and Get agree
	v := ctxvar.New[string]("ignored")
	_ = v.GetOr("")
}

func early(skip bool) string {
	if skip {
		return ""
	}
	v := ctxvar.New[string]("early") // want `ctxvar\.New inside early makes a new Var at each call`
	return v.GetOr("")
}

func panicking(id string) {
	v := ctxvar.New[string]("panicking") // want `ctxvar\.New inside panicking makes a new Var at each call`
	defer v.Reset(v.Set(id))
	if id == "" {
		panic("empty id")
	}
}

func inClosure() {
	func() {
		c := ctxvar.New[int]("closure") // want `ctxvar\.New inside inClosure makes a new Var at each call`
		c.Set(1)
	}()
}

func deferredClosure() {
	defer func() {
		ctxvar.New[int]("deferred").Set(1) // want `ctxvar\.New inside deferredClosure`
	}()
}

// Kept beyond the call, or made once: fine.

func panicWith() {
	panic(ctxvar.New[string]("panic value"))
}

func literalFactory() func() *ctxvar.Var[int] {
	return func() *ctxvar.Var[int] { return ctxvar.New[int]("made later") }
}

var handlers []func()

func keptByClosure() {
	v := ctxvar.New[string]("kept")
	handlers = append(handlers, func() { _ = v.GetOr("") })
}

type holder[T any] struct{ v *ctxvar.Var[T] }

func (h *holder[T]) setup(name string) {
	h.v = ctxvar.New[T](name)
}

func addressTaken() **ctxvar.Var[string] {
	v := ctxvar.New[string]("addr")
	return &v
}

func outerVariable() {
	var v *ctxvar.Var[string]
	func() { v = ctxvar.New[string]("outer") }()
	_ = v.GetOr("")
}

type registry struct {
	m map[string]*ctxvar.Var[string]
}

func (r *registry) get(name string) *ctxvar.Var[string] {
	if v, ok := r.m[name]; ok {
		return v
	}
	v := ctxvar.New[string](name)
	r.m[name] = v
	return v
}

type service struct {
	user *ctxvar.Var[string]
	once sync.Once
	late *ctxvar.Var[int]
}

func newService() *service {
	return &service{user: ctxvar.New[string]("user")}
}

func (s *service) init() {
	s.user = ctxvar.New[string]("user")
	s.once.Do(func() { s.late = ctxvar.New[int]("late") })
}

func register(*ctxvar.Var[string]) {}

func registered() {
	register(ctxvar.New[string]("registered"))
	v := ctxvar.New[string]("passed")
	register(v)
}

func middleware() func() {
	v := ctxvar.New[string]("mw")
	return func() { defer v.Reset(v.Set("x")) }
}

var all []*ctxvar.Var[string]

func appended() {
	all = append(all, ctxvar.New[string]("appended"))
	v := ctxvar.New[string]("local")
	all = append(all, v)
}

func sent(ch chan *ctxvar.Var[string]) {
	ch <- ctxvar.New[string]("sent")
}

func lazyInit() *ctxvar.Var[string] {
	if lazy == nil {
		lazy = ctxvar.New[string]("lazy")
	}
	return lazy
}

var makeVar = func() *ctxvar.Var[string] { return ctxvar.New[string]("made") }

func bound() func() {
	v := ctxvar.New[string]("bound")
	return ctxvar.Bind(func() { _ = v.GetOr("") })
}

func stored(s *service) {
	v := ctxvar.New[string]("stored")
	v.Set("x")
	s.user = v
}
