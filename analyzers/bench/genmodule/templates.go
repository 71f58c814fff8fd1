package main

var goModTmpl = parse("go.mod", `module [[.Module]]

go 1.26.0

require (
	github.com/ctxvar/ctxvar v0.0.0
	golang.org/x/sync v0.24.0
)

replace github.com/ctxvar/ctxvar => [[printf "%q" .Repo]]
`)

var baseTmpl = parse("base", `// Package [[.Name]] declares request-scoped context variables and the
// helpers around them.
package [[.Name]]

import (
	"fmt"
	"strings"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// Span is a tracing span, carried in Trace.
type Span struct {
	Name   string
	Parent *Span
}

// Child returns a new span under s, which may be nil.
func (s *Span) Child(name string) *Span { return &Span{Name: name, Parent: s} }

// Path returns the names of s and its ancestors, outermost first.
func (s *Span) Path() string {
	var names []string
	for ; s != nil; s = s.Parent {
		names = append([]string{s.Name}, names...)
	}
	return strings.Join(names, "/")
}

// Settings groups the Vars that configure a request.
type Settings struct {
	Verbose *ctxvar.Var[bool]
	Region  *ctxvar.Var[string]
}

var (
	RequestID = ctxvar.New("[[.Name]].requestID", ctxvar.Default("none"))
	Tenant    = ctxvar.New("[[.Name]].tenant", ctxvar.Default([[.Index]]+1))
	Attempt   = ctxvar.New("[[.Name]].attempt", ctxvar.Default(0))

	// User and Trace have no default: Get panics until they are set.
	User  = ctxvar.New[string]("[[.Name]].user")
	Trace = ctxvar.New[*Span]("[[.Name]].trace")

	Config = Settings{
		Verbose: ctxvar.New("[[.Name]].verbose", ctxvar.Default(false)),
		Region:  ctxvar.New("[[.Name]].region", ctxvar.Default("eu")),
	}
)

// WithUser runs fn with User set to u.
func WithUser(u string, fn func()) {
	tok := User.Set(u)
	defer User.Reset(tok)
	fn()
}

// CurrentUser returns the user, or "anonymous" outside a request.
func CurrentUser() string {
	if u, ok := User.Lookup(); ok {
		return u
	}
	return "anonymous"
}

// MustUser returns the user; it panics with a LookupError outside a request.
func MustUser() string { return User.Get() }

// StartSpan opens a span under the current one and returns it with the
// function that closes it.
func StartSpan(name string) (*Span, func()) {
	s := Trace.GetOr(nil).Child(name)
	tok := Trace.Set(s)
	return s, func() { Trace.Reset(tok) }
}

// Describe formats the request-scoped values.
func Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "req=%s tenant=%d user=%s", RequestID.Get(), Tenant.Get(), CurrentUser())
	if Config.Verbose.Get() {
		fmt.Fprintf(&b, " region=%s attempt=%d", Config.Region.Get(), Attempt.Get())
		if s, ok := Trace.Lookup(); ok {
			fmt.Fprintf(&b, " span=%s", s.Path())
		}
	}
	return b.String()
}

// Verbosely runs fn with Verbose set.
func Verbosely(fn func()) {
	defer Config.Verbose.Reset(Config.Verbose.Set(true))
	fn()
}
`)

var launchTmpl = parse("launch", `// Package [[.Name]] runs functions on other goroutines, in the caller's
// Context unless a name says otherwise.
package [[.Name]]

import (
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"

	"[[.BA.Path]]"
	"[[.BB.Path]]"
)

// Go runs fn on a new goroutine that starts in a copy of the caller's Context.
func Go(fn func()) { ctxvar.Spawn(fn) }

// GoAll runs every fn concurrently, each in a copy of the caller's Context,
// and waits for them.
func GoAll(fns ...func()) {
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(ctxvar.Bind(fn))
	}
	wg.Wait()
}

// Group runs functions concurrently in the caller's Context and keeps the
// first error.
type Group struct{ g errgroup.Group }

// Go runs fn on a new goroutine in a copy of the caller's Context.
func (g *Group) Go(fn func() error) { g.g.Go(ctxvar.BindErr(fn)) }

// Wait waits for the functions and returns the first error.
func (g *Group) Wait() error { return g.g.Wait() }

// After runs fn after d, in a copy of the caller's Context as it is now.
func After(d time.Duration, fn func()) *time.Timer { return time.AfterFunc(d, ctxvar.Bind(fn)) }

// Detached runs fn on a new goroutine with an empty Context, for work that
// must not see the caller's values.
func Detached(fn func()) { go fn() }

// Pool runs submitted functions on a fixed set of workers, each in the
// Context its submitter had.
type Pool struct {
	jobs chan func()
	wg   sync.WaitGroup
}

// NewPool starts a pool of n workers.
func NewPool(n int) *Pool {
	p := &Pool{jobs: make(chan func())}
	for range n {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

func (p *Pool) work() {
	defer p.wg.Done()
	for fn := range p.jobs {
		fn()
	}
}

// Submit queues fn; a worker runs it in a copy of the caller's Context.
func (p *Pool) Submit(fn func()) { p.jobs <- ctxvar.Bind(fn) }

// Close waits for the queued functions to finish.
func (p *Pool) Close() {
	close(p.jobs)
	p.wg.Wait()
}

// InContext runs fn in a copy of the current Context and returns the copy,
// which holds what fn set.
func InContext(fn func()) *ctxvar.Context {
	c := ctxvar.Copy()
	c.Run(fn)
	return c
}

// WithRequest runs fn with the request's ID and user set.
func WithRequest(id, user string, fn func()) {
	defer [[.BA.Name]].RequestID.Reset([[.BA.Name]].RequestID.Set(id))
	tok := [[.BB.Name]].User.Set(user)
	defer [[.BB.Name]].User.Reset(tok)
	fn()
}
`)

var svcTmpl = parse("svc", `// Package [[.Name]] is a generated service of layer [[.Layer]] of the
// ctxvarlint benchmark module.
package [[.Name]]

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"

	"[[.B.Path]]"
	"[[.B2.Path]]"
	"[[.L.Path]]"
[[- if ne .L .LX]]
	"[[.LX.Path]]"
[[- end]]
[[- range .Deps]]
	"[[.Path]]"
[[- end]]
)

// Item is one line of a Request.
type Item struct {
	Key string
	Qty int
}

// Request is what Handle serves.
type Request struct {
	ID    string
	User  string
	Items []Item
}

// Result collects what serving a request produced; its methods are safe
// for concurrent use.
type Result struct {
	mu    sync.Mutex
	Lines []string
	Total int
}

func (r *Result) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Lines = append(r.Lines, fmt.Sprintf(format, args...))
}

func (r *Result) count(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Total += n
}

var errNegative = errors.New("[[.Name]]: negative quantity")

// Handle serves req with the request's values set in the current Context.
func Handle(req Request) (*Result, error) {
	defer [[.B.Name]].RequestID.Reset([[.B.Name]].RequestID.Set(req.ID))
	tok := [[.B.Name]].User.Set(req.User)
	defer [[.B.Name]].User.Reset(tok)
	res := new(Result)
	res.add("start %s: %s", audit(), [[.B.Name]].Describe())

	var g [[.L.Name]].Group
	for i, it := range req.Items {
		g.Go(func() error { return process(res, i, it) })
	}
[[- range .Deps]]
	if sub, err := [[.Name]].Handle([[.Name]].Request{ID: req.ID + "/[[.Name]]", User: req.User, Items: [][[.Name]].Item{{Key: "n", Qty: len(req.Items)}}}); err != nil {
		return nil, fmt.Errorf("[[$.Name]]: %w", err)
	} else {
		res.count(sub.Total)
	}
[[- end]]
	res.count(Step(len(req.Items)))
	for _, line := range Fanout(keys(req.Items)) {
		res.add("%s", line)
	}

	var wg sync.WaitGroup
	wg.Go(ctxvar.Bind(func() { res.add("audited %s", [[.B.Name]].RequestID.Get()) }))
	[[.L.Name]].Go(func() { res.add("spawned in %s", [[.B2.Name]].Config.Region.Get()) })
	[[.B2.Name]].WithUser(req.User+"@"+strconv.Itoa([[.B2.Name]].Tenant.Get()), func() {
		res.add("as %s", [[.B2.Name]].User.Get())
	})
	timer := Later(res)
	defer timer.Stop()
	wg.Wait()
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := Parallel([]Request{req}); err != nil {
		return nil, err
	}
	res.add("batch %d, retried: %v, scoped %s, warm %d", Batch(req.Items), Retry(2, func() error { return check(req) }), Scoped(req), Warm(len(req.Items)))
	Cleanup(keys(req.Items))
[[- if .PlantGo]]
	notifyAsync(res)
[[- end]]
[[- if .PlantGoDep]]
	stepAsync()
[[- end]]
[[- if .PlantDetached]]
	detachedDescribe(res)
[[- end]]
[[- if .PlantDetachedUser]]
	detachedUser(res)
[[- end]]
[[- if .PlantToken]]
	bump()
[[- end]]
	return res, nil
}

// audit needs User, which has no default: Handle sets it first.
func audit() string { return [[.B.Name]].User.Get() + "@" + [[.B.Name]].RequestID.Get() }

func process(res *Result, i int, it Item) error {
	if it.Qty < 0 {
		return fmt.Errorf("item %d (%s): %w", i, it.Key, errNegative)
	}
	span, end := [[.B.Name]].StartSpan(it.Key)
	defer end()
	res.add("%s: %s x%d for tenant %d", span.Path(), it.Key, it.Qty, [[.B.Name]].Tenant.Get())
	res.count(it.Qty)
	return nil
}

func check(req Request) error {
	if req.ID == "" {
		return errors.New("[[.Name]]: request without an ID")
	}
	return nil
}

func mapSlice[T, U any](s []T, f func(T) U) []U {
	out := make([]U, 0, len(s))
	for _, v := range s {
		out = append(out, f(v))
	}
	return out
}

func keys(items []Item) []string { return mapSlice(items, func(it Item) string { return it.Key }) }

// Step does a unit of work that depends on the current attempt.
func Step(n int) int {
	a := [[.B.Name]].Attempt.Get()
	tok := [[.B.Name]].Attempt.Set(a + 1)
	defer [[.B.Name]].Attempt.Reset(tok)
	sum := 0
	for i := range n {
		sum += i * (a + 1)
	}
[[- if .Deps]]
	if n > 0 {
[[- range .Deps]]
		sum += [[.Name]].Step(n - 1)
[[- end]]
	}
[[- end]]
	return sum
}

// Retry calls fn up to n times, with Attempt set to the attempt's number,
// until it succeeds.
func Retry(n int, fn func() error) error {
	var err error
	for i := range n {
		tok := [[.B.Name]].Attempt.Set(i)
		err = fn()
		[[.B.Name]].Attempt.Reset(tok)
		if err == nil {
			return nil
		}
	}
	return err
}

// Snapshot returns the region that code running in a copy of the current
// Context sees after setting it there.
func Snapshot(region string) string {
	c := ctxvar.Copy()
	var seen string
	c.Run(func() {
		defer [[.B2.Name]].Config.Region.Reset([[.B2.Name]].Config.Region.Set(region))
		seen = [[.B2.Name]].Config.Region.Get()
	})
	return seen
}

// Later schedules a last line in the caller's Context.
func Later(res *Result) *time.Timer {
	return [[.L.Name]].After(time.Millisecond, func() { res.add("late %s", [[.B.Name]].RequestID.Get()) })
}

// Fanout formats every key on a goroutine of its own, each in a copy of the
// caller's Context.
func Fanout(keys []string) []string {
	out := make(chan string, len(keys))
	for _, k := range keys {
		ctxvar.Spawn(func() { out <- k + "@" + [[.B.Name]].RequestID.Get() })
	}
	lines := make([]string, 0, len(keys))
	for range keys {
		lines = append(lines, <-out)
	}
	slices.Sort(lines)
	return lines
}

// Batch totals the items on a worker pool, in the caller's Context.
func Batch(items []Item) int {
	p := [[.L.Name]].NewPool(2)
	var mu sync.Mutex
	total := 0
	for _, it := range items {
		p.Submit(func() {
			mu.Lock()
			defer mu.Unlock()
			total += it.Qty * [[.B.Name]].Tenant.Get()
		})
	}
	p.Close()
	return total
}

// Parallel checks the requests concurrently, each as its own user.
func Parallel(reqs []Request) error {
	var eg errgroup.Group
	for _, r := range reqs {
		eg.Go(ctxvar.BindErr(func() error {
			tok := [[.B.Name]].User.Set(r.User)
			defer [[.B.Name]].User.Reset(tok)
			if audit() == "" {
				return fmt.Errorf("[[.Name]]: no audit for %s", r.ID)
			}
			return check(r)
		}))
	}
	return eg.Wait()
}

// Scoped describes req as the code it calls sees it.
func Scoped(req Request) string {
	var got string
	[[.LX.Name]].WithRequest(req.ID, req.User, func() { got = [[.B.Name]].Describe() })
	c := [[.LX.Name]].InContext(func() {
		tok := [[.B.Name]].Attempt.Set(3)
		got += " attempt " + strconv.Itoa([[.B.Name]].Attempt.Get())
		[[.B.Name]].Attempt.Reset(tok)
	})
	n, _ := ctxvar.ValueIn(c, [[.B.Name]].Attempt)
	return got + " " + strconv.Itoa(n+c.Len())
}

// Warm sums squares on a goroutine that needs no context variables.
func Warm(n int) int {
	ch := make(chan int)
	go produce(ch, n)
	sum := 0
	for v := range ch {
		sum += v
	}
	return sum
}

func produce(ch chan<- int, n int) {
	defer close(ch)
	for i := range n {
		ch <- i * i
	}
}

// Cleanup forgets the keys in the background, with no context variables.
func Cleanup(keys []string) {
	[[.L.Name]].Detached(func() { _ = strings.Join(keys, ",") })
}
[[- if .PlantGo]]

// notifyAsync is a planted mistake: the goroutine reads RequestID in an
// empty Context.
func notifyAsync(res *Result) {
	go func() { res.add("async %s", [[.B.Name]].RequestID.Get()) }()
}
[[- end]]
[[- if .PlantGoDep]]

// stepAsync is a planted mistake: Step reads Attempt in an empty Context.
func stepAsync() { go [[(index .Deps 0).Name]].Step(3) }
[[- end]]
[[- if .PlantDetached]]

// detachedDescribe is a planted mistake: Detached starts a bare goroutine,
// where Describe reads the request's Vars empty.
func detachedDescribe(res *Result) {
	[[.L.Name]].Detached(func() { res.add("detached %s", [[.B.Name]].Describe()) })
}
[[- end]]
[[- if .PlantDetachedUser]]

// detachedUser is a planted mistake: Detached starts a bare goroutine,
// where MustUser reads User in an empty Context although Handle set it.
// A planted mistake for unsetget too: User has no default, so its Get
// panics there.
func detachedUser(res *Result) {
	[[.L.Name]].Detached(func() { res.add("detached as %s", [[.B.Name]].MustUser()) })
}
[[- end]]
[[- if .PlantToken]]

// bump is a planted mistake: the token is thrown away, so the attempt is
// never restored.
func bump() { [[.B.Name]].Attempt.Set([[.B.Name]].Attempt.Get() + 1) }
[[- end]]
`)

var svcTestTmpl = parse("svctest", `package [[.Name]]

import (
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"

	"[[.B.Path]]"
	"[[.B2.Path]]"
)

func TestHandle(t *testing.T) {
	res, err := Handle(Request{ID: "t1", User: "tester", Items: []Item{{Key: "a", Qty: 1}, {Key: "b", Qty: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total == 0 {
		t.Errorf("Total = 0, want more")
	}
}

func TestSnapshot(t *testing.T) {
	defer [[.B2.Name]].Config.Region.Reset([[.B2.Name]].Config.Region.Set("us"))
	t.Run("copy", ctxvar.BindArg(func(t *testing.T) {
		if got := Snapshot("ap"); got != "ap" {
			t.Errorf("Snapshot(%q) = %q", "ap", got)
		}
		if got := [[.B2.Name]].Config.Region.Get(); got != "us" {
			t.Errorf("Region after Snapshot = %q, want %q", got, "us")
		}
	}))
}

func TestAudit(t *testing.T) {
	tok := [[.B.Name]].User.Set("tester")
	defer [[.B.Name]].User.Reset(tok)
	if got := audit(); got != "tester@none" {
		t.Errorf("audit() = %q", got)
	}
}
[[- if .PlantUnset]]

// TestAuditUnset is a planted mistake: audit gets User, which the test
// never set.
func TestAuditUnset(t *testing.T) {
	if audit() == "" {
		t.Fatal("empty audit")
	}
}
[[- end]]
[[- if .PlantSubtest]]

// TestDescribeSubtest is a planted mistake: t.Run runs the subtest on a
// new goroutine, where Describe reads the Vars empty.
func TestDescribeSubtest(t *testing.T) {
	defer [[.B.Name]].RequestID.Reset([[.B.Name]].RequestID.Set("t2"))
	t.Run("describe", func(t *testing.T) {
		if got := [[.B.Name]].Describe(); got == "" {
			t.Error("empty description")
		}
	})
}
[[- end]]
`)

var mainTmpl = parse("main", `// Command bench serves a request with every service of the top layer.
package main

import (
	"fmt"
	"log"

	"[[.B0.Path]]"
[[- range .Top]]
	"[[.Path]]"
[[- end]]
)

func main() {
	// A planted mistake: nothing has set User yet.
	fmt.Println("starting as", [[.B0.Name]].MustUser())
	defer [[.B0.Name]].User.Reset([[.B0.Name]].User.Set("main"))
	fmt.Println("serving as", [[.B0.Name]].MustUser())
[[- range .Top]]
	if res, err := [[.Name]].Handle([[.Name]].Request{ID: "main/[[.Name]]", User: "main"}); err != nil {
		log.Fatal(err)
	} else {
		fmt.Println("[[.Name]]:", len(res.Lines), "lines")
	}
[[- end]]
}
`)
