package gosecg118

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// Careless but not reported: _ = tok refers to the token, which counts as
// a use under lostcancel's rule (gosec's G118 reports the cancel func's
// counterpart).
func work() {
	tok := deadline.Set(time.Now().Add(time.Second)) // ok: losttoken [blank-use]
	_ = tok
}

// Safe: the token is always reset.
func workReset() {
	tok := deadline.Set(time.Now().Add(time.Second)) // ok: losttoken [defer]
	defer deadline.Reset(tok)
}

// Safe: the token is copied, then reset through the copy.
func forwarded() {
	tok := user.Set("fwd") // ok: losttoken [alias]
	tokCopy := tok
	defer user.Reset(tokCopy)
}

// Vulnerable: the other Vars, the same leak.
func workVariants() {
	_ = user.Set("u")                       // mistake: losttoken [discard]
	attempt.Set(3)                          // mistake: losttoken [discard]
	_ = reqPath.Set("/x")                   // mistake: losttoken [discard]
	deadline.Set(time.Now().Add(time.Hour)) // mistake: losttoken [discard]
}

// Vulnerable: two Sets, one token lost.
func multiContext() {
	tok1 := user.Set("a") // ok: losttoken [defer]
	defer user.Reset(tok1)

	tok2 := attempt.Set(1) // ok: losttoken [blank-use]
	_ = tok2
}

// Safe: the token is returned to the caller, whose responsibility it is.
func createContext(id string) *ctxvar.Token[string] {
	return user.Set(id) // ok: losttoken [token-helper]
}

// Safe: a method value of Reset, called.
func interfaceReset() {
	tok := user.Set("x") // ok: losttoken [method-value]
	var fn func(*ctxvar.Token[string]) = user.Reset
	defer fn(tok)
}

// Vulnerable: nested Sets, the inner one lost.
func nestedContext() {
	tok1 := attempt.Set(1) // ok: losttoken [defer]
	defer attempt.Reset(tok1)

	attempt.Set(2) // mistake: losttoken [discard]
}

// Vulnerable: a Set in a loop, never reset.
func leakyLoop() {
	for i := 0; i < 10; i++ {
		tok := attempt.Set(i) // ok: losttoken [blank-use]
		_ = tok
	}
}

// Safe: a Set in a loop with a deferred Reset.
func properLoop() {
	for i := 0; i < 10; i++ {
		tok := attempt.Set(i) // ok: losttoken [loop]
		defer attempt.Reset(tok)
	}
}

// Safe: the token is stored in a field and reset by Close.
type Job struct {
	tok *ctxvar.Token[string]
}

func NewJob(id string) *Job {
	tok := user.Set(id) // ok: losttoken [struct-field]
	job := &Job{tok: tok}
	return job
}

func (j *Job) Close() {
	if j.tok != nil {
		user.Reset(j.tok)
	}
}

// Vulnerable: the token is stored in a field that nothing resets.
type Worker struct {
	tok *ctxvar.Token[int]
}

func NewWorker() *Worker {
	tok := attempt.Set(0) // mistake: losttoken [struct-field]
	w := &Worker{tok: tok}
	return w
}

// Safe: Start stores the token, Stop resets it.
type Service struct {
	stopTok *ctxvar.Token[string]
}

func (s *Service) Start(path string) {
	tok := reqPath.Set(path) // ok: losttoken [struct-field]
	s.stopTok = tok
}

func (s *Service) Stop() {
	if s.stopTok != nil {
		reqPath.Reset(s.stopTok)
	}
}

// Safe: the token comes from one of two Sets and is reset.
func conditionalReset(useAdmin bool) {
	var tok *ctxvar.Token[string]
	if useAdmin {
		tok = user.Set("admin") // ok: losttoken [branch]
	} else {
		tok = user.Set("guest") // ok: losttoken [branch]
	}
	defer user.Reset(tok)
}

// Safe: the token passes through another variable.
func storeAndLoad() {
	tok := user.Set("x") // ok: losttoken [alias]
	var holder *ctxvar.Token[string]
	holder = tok
	defer user.Reset(holder)
}

// Safe: the token passes through an interface.
func throughInterface() {
	tok := user.Set("x") // ok: losttoken [alias]
	var iface any = tok
	defer user.Reset(iface.(*ctxvar.Token[string]))
}

// Vulnerable: the token is stored in TaskA, but only TaskB has a Close.
type TaskA struct {
	tok *ctxvar.Token[string]
}

type TaskB struct {
	tok *ctxvar.Token[string]
}

func NewTaskA() *TaskA {
	return &TaskA{tok: user.Set("a")} // mistake: losttoken [struct-field]
}

func (t *TaskB) Close() {
	if t.tok != nil {
		user.Reset(t.tok)
	}
}

// Safe: the token is handed to a helper that resets it.
func resetLater(tok *ctxvar.Token[string]) {
	defer user.Reset(tok)
}

func useHelper() {
	tok := user.Set("x") // ok: losttoken [handed-off]
	resetLater(tok)
}

func callAsValue() {
	tok := user.Set("y") // ok: losttoken [handed-off]
	(func(t *ctxvar.Token[string]) { defer user.Reset(t) })(tok)
}

// Safe: several Sets on several branches, one Reset.
func multiPhi(a, b, c bool) {
	var tok *ctxvar.Token[int]
	if a {
		tok = attempt.Set(1) // ok: losttoken [branch]
	} else if b {
		tok = attempt.Set(2) // ok: losttoken [branch]
	} else if c {
		tok = attempt.Set(3) // ok: losttoken [branch]
	} else {
		tok = attempt.Set(4) // ok: losttoken [branch]
	}
	defer attempt.Reset(tok)
}

// Issue 1584: a func() that resets is returned and called by the caller,
// on the path without an error.
type Env struct {
	DB       *sql.DB
	Shutdown func()
}

// On the error path the func that resets is dropped, though initDatabase
// made the Set and returned it.
func withEnv(env *Env) error {
	db, closeFn, err := initDatabase() // mistake: losttoken [reset-func]
	if err != nil {
		return fmt.Errorf("creating database: %w", err)
	}
	prev := env.Shutdown
	env.Shutdown = func() {
		prev()
		closeFn()
	}
	env.DB = db
	return nil
}

func initDatabase() (*sql.DB, func(), error) {
	tok := reqPath.Set("/db") // ok: losttoken [reset-func]
	undo := func() { reqPath.Reset(tok) }
	db, err := sql.Open("sqlite", "testing")
	if err != nil {
		return nil, undo, fmt.Errorf("opening database: %w", err)
	}
	return db, undo, nil
}

// Vulnerable: the func() that resets is dropped.
func dropShutdown() error {
	_, _, err := initDatabase() // mistake: losttoken [reset-func]
	return err
}

// Issue 1591: the token travels in a returned struct.
type Foo struct {
	Tok *ctxvar.Token[string]
}

func NewFoo() Foo {
	tok := user.Set("foo") // ok: losttoken [struct-field]
	foo := Foo{Tok: tok}
	return foo
}

func useFoo() {
	foo := NewFoo()
	user.Reset(foo.Tok)
}

// Issue 1595: a token stored in a field after construction, reset by defer.
type State struct {
	tok *ctxvar.Token[int]
}

func manage() {
	s := &State{}
	s.tok = attempt.Set(5) // ok: losttoken [struct-field]
	defer attempt.Reset(s.tok)
}

func launch() {
	s := &State{}
	s.tok = attempt.Set(6) // ok: losttoken [struct-field]
	defer func() {
		attempt.Reset(s.tok)
	}()
}

// Package-level tokens: set in init, the program's Context.
var initTok *ctxvar.Token[string]

func init() {
	initTok = reqPath.Set("/init") // ok: losttoken [init]
}

func shutdown() {
	reqPath.Reset(initTok)
}

// Vulnerable: of two package-level tokens set outside init, one is reset.
var tokA, tokB *ctxvar.Token[string]

func start() {
	tokA = user.Set("a")    // ok: losttoken [package-token]
	tokB = reqPath.Set("b") // mistake: losttoken [package-token]
}

func stop() {
	user.Reset(tokA)
}

// Issue 1668: tokens appended to a cleanup slice run by a deferred closure.
func cleanupSlice() {
	var undo []func()
	defer func() {
		for _, fn := range undo {
			fn()
		}
	}()
	tok := user.Set("x") // ok: losttoken [handed-off]
	undo = append(undo, func() { user.Reset(tok) })
}

// Safe: tokens handed back in a slice, a map and an array.
func tokenSlice() []*ctxvar.Token[string] {
	var toks []*ctxvar.Token[string]
	tok := user.Set("s") // ok: losttoken [handed-off]
	toks = append(toks, tok)
	return toks
}

func tokenMap(key string) map[string]*ctxvar.Token[string] {
	m := make(map[string]*ctxvar.Token[string])
	tok := user.Set(key) // ok: losttoken [handed-off]
	m[key] = tok
	return m
}

func tokenArray() [1]*ctxvar.Token[string] {
	var arr [1]*ctxvar.Token[string]
	tok := user.Set("arr") // ok: losttoken [handed-off]
	arr[0] = tok
	return arr
}

var errNoDB = errors.New("no database")

// Vulnerable: the early return leaves the Set in place.
func query(db *sql.DB) error {
	tok := user.Set("query") // mistake: losttoken [early-return]
	if db == nil {
		return errNoDB
	}
	defer user.Reset(tok)
	_, err := db.Exec("SELECT 1")
	return err
}
