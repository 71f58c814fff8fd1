package ctxvar_test

// One test per warning and per problem of the two seed documents in
// /work/shared/seeds: what ctxvar does about each gotcha Python users hit,
// which must be impossible or loud here.
//
//   000 = aiocontextvars 0.2.2 (000_3fc1d734af66c606.txt)
//   002 = aiotask-context 0.6.1 (002_5079d19b80d5780c.txt)
//
// Gotchas that are import or attribute errors in Python are compile errors in
// Go. Those tests build a small program against this module (a temporary
// module with a replace directive) and check the compiler's message; that
// needs the go command and is skipped under -short, after the runtime part of
// the test has run.

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

const modulePath = "github.com/ctxvar/ctxvar"

// moduleRoot is the directory of this module's go.mod (the parent of the
// package directory, where go test runs).
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod above the package directory: %v", err)
	}
	return root
}

func goTool(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	return goBin
}

// goEnv is the environment for go commands run by the tests: offline, no
// workspace, no toolchain switch. flags is GOFLAGS.
func goEnv(flags string) []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS="+flags, "GOPROXY=off", "GOTOOLCHAIN=local")
}

// buildProgram compiles src as package main of a temporary module that
// requires this module through a replace directive, and returns the go
// command's output and whether the build succeeded.
func buildProgram(t *testing.T, src string) (string, bool) {
	t.Helper()
	if testing.Short() {
		t.Skip("compiles a program with the go command; skipped under -short")
	}
	root := moduleRoot(t)
	dir := t.TempDir()
	gomod := fmt.Sprintf("module example.com/seedcheck\n\ngo 1.26\n\nrequire %s v0.0.0\n\nreplace %s => %s\n",
		modulePath, modulePath, root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	// The replaced module's own requirements may need checksums.
	if sum, err := os.ReadFile(filepath.Join(root, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goTool(t), "build", "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = goEnv("-mod=mod") // may edit the temporary go.mod, nothing else
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// controlProgram uses the public API correctly. It must compile: it shows that
// a failing build in the tests below fails for the reason they check, not
// because the build setup is broken.
const controlProgram = `package main

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var v = ctxvar.New("v", ctxvar.Default(1))

func main() {
	tok := v.Set(2)
	old, ok := tok.OldValue()
	c := ctxvar.Copy()
	x, _ := ctxvar.ValueIn(c, v)
	done := make(chan struct{})
	ctxvar.Spawn(func() { defer close(done); fmt.Println(v.Get()) })
	<-done
	ctxvar.Bind(func() {})()
	c.Copy().Run(func() {})
	fmt.Println(old, ok, x, c.Len(), v.GetOr(0), tok.Var().Name())
	_, _ = v.Lookup()
	v.Reset(tok)
}
`

var (
	controlOnce sync.Once
	controlOut  string
	controlOK   bool
)

// wantCompileError builds src, which must fail to compile, with an error at
// main.go:line that contains every string in wants.
func wantCompileError(t *testing.T, src string, line int, wants ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("compiles a program with the go command; skipped under -short")
	}
	controlOnce.Do(func() { controlOut, controlOK = buildProgram(t, controlProgram) })
	if !controlOK {
		t.Fatalf("the control program does not compile, so the build setup is broken:\n%s", controlOut)
	}
	out, ok := buildProgram(t, src)
	if ok {
		t.Fatalf("program compiled, want a compile error mentioning %q:\n%s", wants, src)
	}
	pos := fmt.Sprintf("main.go:%d:", line)
	for l := range strings.SplitSeq(out, "\n") {
		if !strings.Contains(l, pos) {
			continue
		}
		all := true
		for _, w := range wants {
			all = all && strings.Contains(l, w)
		}
		if all {
			return
		}
	}
	t.Fatalf("no compile error at %s mentioning %q; the go command said:\n%s", pos, wants, out)
}

// ---------------------------------------------------------------------------
// 000 aiocontextvars: warnings

// 000 warning 1 (deprecated): aiocontextvars is a backport; use the built-in
// contextvars. ctxvar is the built-in kind: PEP 567 semantics with no setup
// step, and a runtime that depends on the standard library only (no backport
// dependency like the seed's `contextvars` package).
func TestSeedAiocontextvarsWarning1Deprecated(t *testing.T) {
	// No initialization call, no patching: the first use just works.
	v := ctxvar.New("v", ctxvar.Default("default_value"))
	wantGet(t, v, "default_value")
	tok := v.Set("main_context_value")
	var fromChild string
	<-task(func() { fromChild = v.Get() })
	if fromChild != "main_context_value" {
		t.Fatalf("child saw %q, want the parent's value at Spawn", fromChild)
	}
	v.Reset(tok)
	wantGet(t, v, "default_value")

	if testing.Short() {
		t.Skip("the dependency check runs the go command; skipped under -short")
	}
	cmd := exec.Command(goTool(t), "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", modulePath+"/ctxvar")
	cmd.Dir = moduleRoot(t)
	cmd.Env = goEnv("-mod=readonly") // never edits this module's go.mod
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var nonStd []string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if p := strings.TrimSpace(sc.Text()); p != "" && p != modulePath+"/ctxvar" {
			nonStd = append(nonStd, p)
		}
	}
	if len(nonStd) > 0 {
		t.Fatalf("the runtime package depends on non-standard packages %v; it must import the standard library only", nonStd)
	}
}

// 000 warning 2 (breaking): delete(), enable_inherit() and disable_inherit()
// were removed; set() returns a Token for reset(). In ctxvar EnableInherit and
// DisableInherit do not exist (inheritance through Spawn is always on), and
// Set returns a Token that Reset uses once. (Delete: see problem 2.)
func TestSeedAiocontextvarsWarning2RemovedAPI(t *testing.T) {
	v := ctxvar.New[string]("v")
	tok := v.Set("x")
	if tok == nil || tok.Var() != v {
		t.Fatal("Set did not return a Token of its Var")
	}
	// Inheritance is always enabled: every Spawn inherits.
	for i := range 3 {
		var got string
		<-task(func() { got = v.GetOr("<none>") })
		if got != "x" {
			t.Fatalf("Spawn %d: child saw %q, want x: inheritance must always be on", i, got)
		}
	}
	v.Reset(tok)
	wantUnset(t, v)
	wantPanicIs(t, ctxvar.ErrTokenUsed, func() { v.Reset(tok) })

	wantCompileError(t, `package main

import "github.com/ctxvar/ctxvar/ctxvar"

func main() {
	ctxvar.EnableInherit()
}
`, 6, "EnableInherit")
	wantCompileError(t, `package main

import "github.com/ctxvar/ctxvar/ctxvar"

func main() {
	ctxvar.DisableInherit()
}
`, 6, "DisableInherit")
}

// 000 warning 3 (gotcha): aiocontextvars must be imported before any event
// loop is created, or the loops are not patched. ctxvar patches nothing: Vars
// created at any time work with goroutines and Contexts that existed before
// them.
func TestSeedAiocontextvarsWarning3ImportOrder(t *testing.T) {
	// A "loop" started before the Var exists, with Spawn...
	jobs := make(chan func())
	loopDone := task(func() {
		for f := range jobs {
			f()
		}
	})
	// ... and a Context copied before the Var exists.
	early := ctxvar.Copy()

	late := ctxvar.New[string]("late") // created after both
	tok := late.Set("value")

	results := make(chan string, 2)
	jobs <- ctxvar.Bind(func() { results <- late.GetOr("<none>") })
	if got := <-results; got != "value" {
		t.Fatalf("callback on a goroutine older than the Var saw %q, want value", got)
	}
	jobs <- func() {
		tk := late.Set("loop's own")
		results <- late.Get()
		late.Reset(tk)
	}
	if got := <-results; got != "loop's own" {
		t.Fatalf("the older goroutine cannot use the new Var: got %q", got)
	}
	close(jobs)
	<-loopDone

	early.Run(func() {
		if _, ok := late.Lookup(); ok {
			t.Error("a Context copied before the Set has the value")
		}
		late.Set("in early")
	})
	wantValueIn(t, early, late, "in early")

	var fromChild string
	<-task(func() { fromChild = late.Get() })
	if fromChild != "value" {
		t.Fatalf("Spawn after a late New: child saw %q, want value", fromChild)
	}
	late.Reset(tok)
}

// 000 warning 4 (gotcha): a task's Context is a snapshot taken at creation;
// the parent's later changes are not visible to it. ctxvar.Spawn and
// ctxvar.Bind snapshot at the call, as documented.
func TestSeedAiocontextvarsWarning4Snapshot(t *testing.T) {
	v := ctxvar.New("my_variable", ctxvar.Default("default_value"))
	tok := v.Set("before spawn")

	parentSet := make(chan struct{})
	seen := make(chan string, 1)
	child := task(func() {
		<-parentSet
		seen <- v.Get()
	})
	bound := ctxvar.Bind(func() { seen <- v.Get() })
	tok2 := v.Set("after spawn")
	close(parentSet)
	<-child
	if got := <-seen; got != "before spawn" {
		t.Fatalf("running child saw %q after the parent's later Set, want the snapshot %q", got, "before spawn")
	}
	bound()
	if got := <-seen; got != "before spawn" {
		t.Fatalf("bound function saw %q, want the snapshot %q", got, "before spawn")
	}
	wantGet(t, v, "after spawn")
	v.Reset(tok2)
	v.Reset(tok)
}

// 000 warning 5 (gotcha): call_soon does not carry the context; wrap the
// callback with copy_context().run. ctxvar.Bind is that wrapper, and a
// callback that was not wrapped fails loudly (LookupError) instead of reading
// a wrong value.
func TestSeedAiocontextvarsWarning5CallSoon(t *testing.T) {
	v := ctxvar.New[string]("request_id")
	loop := newEventLoop(t)
	tok := v.Set("req-1")

	results := make(chan string, 1)
	errs := make(chan error, 1)
	// Unwrapped: runs in the loop goroutine's empty Context, and Get is loud.
	loop.jobs <- func() {
		le, err := lookupErrorOf(func() { v.Get() })
		if err == nil && le.Name != "request_id" {
			err = fmt.Errorf("LookupError names %q, want request_id", le.Name)
		}
		errs <- err
	}
	if err := <-errs; err != nil {
		t.Fatalf("unwrapped callback reading the Var: %v", err)
	}
	// Wrapped with Bind: the callback sees the scheduler's Context.
	loop.jobs <- ctxvar.Bind(func() { results <- v.Get() })
	if got := <-results; got != "req-1" {
		t.Fatalf("Bind-wrapped callback saw %q, want req-1", got)
	}
	// copy_context().run, spelled out.
	ctx := ctxvar.Copy()
	loop.jobs <- func() { ctx.Run(func() { results <- v.Get() }) }
	if got := <-results; got != "req-1" {
		t.Fatalf("Copy().Run callback saw %q, want req-1", got)
	}
	v.Reset(tok)
}

// ---------------------------------------------------------------------------
// 000 aiocontextvars: problems

// 000 problem 1: "LookupError: 'ContextVar' has no value in this context"
// from get() before set(). ctxvar's Get panics with a *LookupError that names
// the Var and the fixes (Default, GetOr/Lookup, Set first); the alternatives
// never panic.
func TestSeedAiocontextvarsProblem1LookupError(t *testing.T) {
	v := ctxvar.New[string]("my_variable")
	le := wantLookupError(t, "my_variable", func() { v.Get() })
	msg := le.Error()
	for _, fix := range []string{"Default", "Set"} {
		if !strings.Contains(msg, fix) {
			t.Errorf("LookupError %q does not mention the fix %q", msg, fix)
		}
	}
	if !strings.Contains(msg, "GetOr") && !strings.Contains(msg, "Lookup") {
		t.Errorf("LookupError %q mentions neither GetOr nor Lookup", msg)
	}
	// The panic value is an error, so it composes with errors.As.
	r := panicValue(func() { v.Get() })
	var target *ctxvar.LookupError
	if err, ok := r.(error); !ok || !errors.As(err, &target) {
		t.Fatalf("Get panicked with %T, want an error that errors.As finds a *LookupError in", r)
	}

	// The fixes the seed names work.
	if got, ok := v.Lookup(); ok || got != "" {
		t.Fatalf("Lookup() = %q, %v; want \"\", false", got, ok)
	}
	if got := v.GetOr("fallback"); got != "fallback" {
		t.Fatalf("GetOr = %q, want fallback", got)
	}
	withDefault := ctxvar.New("my_variable", ctxvar.Default("initial_value"))
	wantGet(t, withDefault, "initial_value")
	tok := v.Set("set")
	wantGet(t, v, "set")
	// "or a parent context if inherited"
	var child string
	<-task(func() { child = v.Get() })
	if child != "set" {
		t.Fatalf("child of a goroutine that Set saw %q", child)
	}
	v.Reset(tok)
	wantLookupError(t, "my_variable", func() { v.Get() })
}

// 000 problem 2: "AttributeError: 'ContextVar' object has no attribute
// 'delete'". Var has no Delete method (a compile error naming it); the
// replacement, Reset with the first Set's token, brings back "no value".
func TestSeedAiocontextvarsProblem2Delete(t *testing.T) {
	v := ctxvar.New[int]("v")
	first := v.Set(1)
	v.Set(2)
	v.Reset(first) // the "delete"
	if got, ok := v.Lookup(); ok {
		t.Fatalf("after Reset of the first token: v = %d, want no value", got)
	}
	if n := ctxvar.Copy().Len(); n != 0 {
		t.Fatalf("Context has %d Vars after the reset, want 0", n)
	}
	if _, ok := reflect.TypeFor[*ctxvar.Var[int]]().MethodByName("Delete"); ok {
		t.Fatal("*ctxvar.Var has a Delete method; it was removed")
	}

	wantCompileError(t, `package main

import "github.com/ctxvar/ctxvar/ctxvar"

var v = ctxvar.New[int]("v")

func main() {
	v.Delete()
}
`, 8, "Delete")
}

// 000 problem 3: context not propagating with uvloop or custom task factories
// that bypass aiocontextvars' patches. ctxvar has no patches to bypass:
// propagation does not depend on who schedules the goroutine. A third-party
// worker pool (started with bare go) runs Bind-wrapped work in the submitter's
// Context, and a goroutine that enters a Context with Run passes it on to the
// goroutines it Spawns.
func TestSeedAiocontextvarsProblem3CustomScheduler(t *testing.T) {
	v := ctxvar.New[string]("v")

	// A "custom loop": a pool of bare goroutines, unaware of ctxvar.
	jobs := make(chan func())
	var pool sync.WaitGroup
	for range 3 {
		pool.Add(1)
		go func() {
			defer pool.Done()
			for f := range jobs {
				f()
			}
		}()
	}
	var wg sync.WaitGroup
	seen := make([]string, 6)
	for i := range seen {
		want := fmt.Sprintf("submitter-%d", i)
		tok := v.Set(want)
		wg.Add(1)
		jobs <- ctxvar.Bind(func() {
			defer wg.Done()
			seen[i] = v.Get()
		})
		v.Reset(tok)
	}
	wg.Wait()
	close(jobs)
	pool.Wait()
	for i, got := range seen {
		if want := fmt.Sprintf("submitter-%d", i); got != want {
			t.Fatalf("job %d on a custom pool saw %q, want %q", i, got, want)
		}
	}

	// A bare goroutine that enters a Context passes it on through Spawn.
	tok := v.Set("entered")
	ctx := ctxvar.Copy()
	v.Reset(tok)
	got := make(chan string, 1)
	go func() {
		ctx.Run(func() {
			ctxvar.Spawn(func() { got <- v.GetOr("<none>") })
		})
	}()
	if g := <-got; g != "entered" {
		t.Fatalf("Spawn inside Run on a bare goroutine: child saw %q, want entered", g)
	}
}

// ---------------------------------------------------------------------------
// 002 aiotask-context: warnings

// 002 warning 1 (breaking): Context went from a class to instantiate to a
// pre-instantiated singleton. ctxvar has neither a singleton nor a store to
// instantiate: Contexts are values made by Copy, each its own independent
// snapshot, and the current Context belongs to the goroutine.
func TestSeedAiotaskContextWarning1NoSingleton(t *testing.T) {
	v := ctxvar.New[string]("request_id")
	c1 := ctxvar.Copy()
	c2 := ctxvar.Copy()
	if c1 == c2 {
		t.Fatal("Copy returned the same Context twice: a shared singleton")
	}
	c1.Run(func() { v.Set("in c1") })
	wantValueIn(t, c1, v, "in c1")
	wantNotIn(t, c2, v)
	c2.Run(func() {
		if _, ok := v.Lookup(); ok {
			t.Error("a value set in one Context is visible in another")
		}
	})
	wantUnset(t, v)

	// Two unrelated goroutines do not share a Context either.
	set := make(chan struct{})
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tok := v.Set("goroutine A")
		close(set)
		<-release
		v.Reset(tok)
	}()
	<-set
	got, ok := v.Lookup()
	close(release)
	<-done
	if ok {
		t.Fatalf("a value set on an unrelated goroutine is visible here: %q", got)
	}
}

// 002 warning 2 (breaking): the repository moved, so old references point to
// the wrong place. ctxvar has one module path, pinned in API.md, and the
// package's types carry it.
func TestSeedAiotaskContextWarning2ModulePath(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	if got := strings.TrimSpace(strings.TrimPrefix(first, "module")); got != modulePath {
		t.Fatalf("go.mod declares module %q, want %q", got, modulePath)
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[ctxvar.Context](),
		reflect.TypeFor[ctxvar.LookupError](),
		reflect.TypeFor[ctxvar.Var[int]](),
		reflect.TypeFor[ctxvar.Token[int]](),
	} {
		if got := typ.PkgPath(); got != modulePath+"/ctxvar" {
			t.Fatalf("%v lives in package %q, want %q", typ, got, modulePath+"/ctxvar")
		}
	}
}

// 002 warning 3 (gotcha): a child task inherits a copy; its changes never
// reach the parent or its siblings; send results back explicitly. ctxvar:
// the same, with channels for the way back.
func TestSeedAiotaskContextWarning3TaskLocal(t *testing.T) {
	requestID := ctxvar.New[string]("request_id")
	taskData := ctxvar.New[string]("task_data")
	tok := requestID.Set("req-xyz-123")

	back := make(chan string, 2)
	bothSet := make(chan struct{})
	var set sync.WaitGroup
	set.Add(2)
	nested := func(id string) func() {
		return func() {
			if got := requestID.Get(); got != "req-xyz-123" {
				t.Errorf("task %s: request_id = %q, want the parent's", id, got)
			}
			taskData.Set("Data from " + id)
			requestID.Set("changed by " + id)
			set.Done()
			<-bothSet // both children have Set: neither may see the other's value
			if got := taskData.Get(); got != "Data from "+id {
				t.Errorf("task %s: task_data = %q, a sibling's Set leaked in", id, got)
			}
			if got := requestID.Get(); got != "changed by "+id {
				t.Errorf("task %s: request_id = %q, want its own", id, got)
			}
			back <- taskData.Get() // the explicit way back
		}
	}
	a := task(nested("A"))
	b := task(nested("B"))
	set.Wait()
	close(bothSet)
	<-a
	<-b

	wantGet(t, requestID, "req-xyz-123")
	if got, ok := taskData.Lookup(); ok {
		t.Fatalf("parent sees task_data = %q set by a child", got)
	}
	got := []string{<-back, <-back}
	if !(got[0] == "Data from A" && got[1] == "Data from B" || got[0] == "Data from B" && got[1] == "Data from A") {
		t.Fatalf("values sent back = %v", got)
	}
	requestID.Reset(tok)
}

// 002 warning 4 (gotcha): aiotask-context manipulates asyncio.Task internals;
// contextvars (PEP 567) is the robust design. ctxvar follows PEP 567: a
// Context is a first-class value, not an attribute of a task, so it can be
// captured on one goroutine and run on another, and the goroutine that ran it
// keeps nothing.
func TestSeedAiotaskContextWarning4ContextIsAValue(t *testing.T) {
	v := ctxvar.New[string]("v")
	var ctx *ctxvar.Context
	<-task(func() {
		tok := v.Set("captured on A")
		ctx = ctxvar.Copy()
		v.Reset(tok)
	})

	results := make(chan string, 2)
	go func() { // goroutine B, unrelated to A
		ctx.Run(func() {
			results <- v.GetOr("<none>")
			v.Set("set on B inside ctx")
		})
		results <- v.GetOr("<none>")
	}()
	if got := <-results; got != "captured on A" {
		t.Fatalf("ctx run on another goroutine: v = %q, want captured on A", got)
	}
	if got := <-results; got != "<none>" {
		t.Fatalf("goroutine B after Run: v = %q, want no value", got)
	}
	wantValueIn(t, ctx, v, "set on B inside ctx")
}

// ---------------------------------------------------------------------------
// 002 aiotask-context: problems

// 002 problem 1: "ModuleNotFoundError: No module named 'aiotask_context'".
// In Go a missing package is a build error, never a runtime one.
func TestSeedAiotaskContextProblem1ModuleNotFound(t *testing.T) {
	wantCompileError(t, `package main

import ctx "github.com/ctxvar/ctxvar/aiotask_context"

func main() { ctx.Get() }
`, 3, "aiotask_context")
}

// 002 problem 2: "ImportError: cannot import name 'context'". There is no
// `context` object to import from ctxvar; the compiler says so. What you want
// is Copy, the current Context as a value.
func TestSeedAiotaskContextProblem2NoContextObject(t *testing.T) {
	v := ctxvar.New[string]("v")
	tok := v.Set("x")
	c := ctxvar.Copy()
	if c == nil {
		t.Fatal("Copy returned nil")
	}
	wantValueIn(t, c, v, "x")
	v.Reset(tok)

	wantCompileError(t, `package main

import "github.com/ctxvar/ctxvar/ctxvar"

func main() {
	_ = ctxvar.context
}
`, 6, "context")
}

// 002 problem 3: "AttributeError: module 'aiotask_context' has no attribute
// 'get_context'". ctxvar.GetContext does not exist either (compile error);
// Copy is the function that returns the current Context.
func TestSeedAiotaskContextProblem3NoGetContext(t *testing.T) {
	v := ctxvar.New[int]("v")
	tok := v.Set(7)
	c := ctxvar.Copy()
	v.Set(8)
	wantValueIn(t, c, v, 7) // a snapshot of the current Context at the call
	v.Reset(tok)

	wantCompileError(t, `package main

import "github.com/ctxvar/ctxvar/ctxvar"

func main() {
	_ = ctxvar.GetContext()
}
`, 6, "GetContext")
}

// 002 problem 4: "AttributeError: '_asyncio.Task' object has no attribute
// 'context'" when no task factory was set. In ctxvar every goroutine has a
// Context, with no factory: even one started with a bare go statement can
// Get defaults, Set, Copy and Run without any setup.
func TestSeedAiotaskContextProblem4NoTaskFactory(t *testing.T) {
	withDefault := ctxvar.New("level", ctxvar.Default("info"))
	plain := ctxvar.New[string]("plain")
	tok := plain.Set("parent")

	errs := make(chan error, 1)
	//lint:ignore barego the seed test checks what a bare goroutine sees
	go func() {
		errs <- func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panicked: %v", r)
				}
			}()
			if got := withDefault.Get(); got != "info" {
				return fmt.Errorf("Get of a Var with a default = %q, want info", got)
			}
			if n := ctxvar.Copy().Len(); n != 0 {
				return fmt.Errorf("a bare goroutine's Context has %d Vars, want 0", n)
			}
			tk := plain.Set("own")
			if got := plain.Get(); got != "own" {
				return fmt.Errorf("Get after Set = %q, want own", got)
			}
			plain.Reset(tk)
			ran := false
			ctxvar.Copy().Run(func() { ran = true })
			if !ran {
				return errors.New("Run did not call fn")
			}
			return nil
		}()
	}()
	if err := <-errs; err != nil {
		t.Fatalf("bare goroutine: %v", err)
	}
	plain.Reset(tok)
}

// 002 problem 5: context not propagating to child tasks unless a copying task
// factory is set. Spawn always copies, with no setup. A bare go statement
// starts empty (as the docs and the barego analyzer say), and reading a Var
// without a default there fails loudly, naming the Var and Spawn.
func TestSeedAiotaskContextProblem5NoPropagation(t *testing.T) {
	v := ctxvar.New[string]("request_id")
	tok := v.Set("req-1")

	got := make(chan string, 1)
	ctxvar.Spawn(func() { got <- v.Get() })
	if g := <-got; g != "req-1" {
		t.Fatalf("Spawned child saw %q, want req-1", g)
	}

	errs := make(chan error, 1)
	go func() {
		le, err := lookupErrorOf(func() { v.Get() })
		if err == nil && le.Name != "request_id" {
			err = fmt.Errorf("LookupError names %q, want request_id", le.Name)
		}
		if err == nil && !strings.Contains(le.Error(), "Spawn") {
			err = fmt.Errorf("LookupError %q does not point to Spawn", le.Error())
		}
		errs <- err
	}()
	if err := <-errs; err != nil {
		t.Fatalf("bare goroutine reading a Var without default: %v", err)
	}
	v.Reset(tok)
}
