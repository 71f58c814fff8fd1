package main

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"example.com/unsetget/b"
	"github.com/ctxvar/ctxvar/ctxvar"
	"golang.org/x/sync/errgroup"
)

func TestMain(m *testing.M) {
	_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from TestMain;`
	os.Exit(m.Run())
}

// ---- positives ----

func TestGet(t *testing.T) {
	_ = requestID.Get() // want `^requestID\.Get can panic with a LookupError: requestID has no default and is not set on a path from TestGet; give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first$`
}

func BenchmarkGet(b *testing.B) {
	_ = requestID.Get() // want `from BenchmarkGet;`
}

func FuzzGet(f *testing.F) {
	_ = requestID.Get() // want `from FuzzGet;`
	requestID.Set("x")
	f.Fuzz(func(t *testing.T, s string) {
		_ = requestID.Get() // want `started by testing\.F\.Fuzz at`
	})
}

func BenchmarkSub(b *testing.B) {
	requestID.Set("x")
	b.Run("sub", func(b *testing.B) {
		_ = requestID.Get() // want `started by testing\.B\.Run at`
	})
}

func TestLibrarySpawnAndBind(t *testing.T) {
	b.Background() // want `^b\.Background calls b\.RequestID\.Get \(b\.go:\d+\)`
	b.Callback()() // want `^b\.Callback calls b\.RequestID\.Get`
	b.RequestID.Set("x")
	b.Background()
	b.Callback()()
}

func TestHelperBeforeSet(t *testing.T) {
	_ = helper() // want `^helper calls requestID\.Get \(a\.go:\d+\), which can panic with a LookupError: requestID has no default and is not set on a path from TestHelperBeforeSet;`
	requestID.Set("late")
	_ = helper()
}

func TestCrossPackage(t *testing.T) {
	_ = b.Helper() // want `^b\.Helper calls b\.RequestID\.Get \(b\.go:\d+\)`
}

func TestIfOneBranch(t *testing.T) {
	if t.Name() != "" {
		defer requestID.Reset(requestID.Set("x"))
	}
	_ = requestID.Get() // want `from TestIfOneBranch;`
}

func TestLoopMayNotRun(t *testing.T) {
	for _, id := range os.Args {
		requestID.Set(id)
	}
	_ = requestID.Get() // want `from TestLoopMayNotRun;`
}

func TestForCondMayNotRun(t *testing.T) {
	for i := 0; i < len(os.Args); i++ {
		requestID.Set("x")
	}
	_ = requestID.Get() // want `from TestForCondMayNotRun;`
}

func TestSetThenReset(t *testing.T) {
	tok := requestID.Set("x")
	requestID.Reset(tok)
	_ = requestID.Get() // want `from TestSetThenReset;`
}

// The locals of the tests above, declared by var rather than by :=.

func TestSetThenResetByVar(t *testing.T) {
	var tok = requestID.Set("x")
	requestID.Reset(tok)
	_ = requestID.Get() // want `from TestSetThenResetByVar;`
}

func TestTokenAssignedLater(t *testing.T) {
	var tok *ctxvar.Token[string]
	tok = requestID.Set("x")
	requestID.Reset(tok)
	_ = requestID.Get() // want `from TestTokenAssignedLater;`
}

func TestContextCopiedBeforeSetByVar(t *testing.T) {
	var c = ctxvar.Copy()
	requestID.Set("x")
	c.Run(func() {
		_ = requestID.Get() // want `from TestContextCopiedBeforeSetByVar;`
	})
}

// A token that a closure may change is not followed: its Reset may restore
// anything, and counts as restoring a value.
func TestTokenChangedInClosure(t *testing.T) {
	tok := requestID.Set("x")
	func() { tok = nil }()
	requestID.Reset(tok)
	_ = requestID.Get()
}

func TestLookupReturnByVar(t *testing.T) {
	var id, ok = requestID.Lookup()
	if !ok || id == "" {
		return
	}
	_ = requestID.Get()
}

func TestResetOfInlineSet(t *testing.T) {
	requestID.Reset(requestID.Set("x"))
	_ = requestID.Get() // want `from TestResetOfInlineSet;`
}

func TestSwitchWithoutDefault(t *testing.T) {
	switch len(os.Args) {
	case 0:
		requestID.Set("none")
	case 1:
		requestID.Set("one")
	}
	_ = requestID.Get() // want `from TestSwitchWithoutDefault;`
}

func TestGotoSkipsSet(t *testing.T) {
	if len(os.Args) > 1 {
		goto read
	}
	requestID.Set("x")
read:
	_ = requestID.Get() // want `from TestGotoSkipsSet;`
}

func TestShortCircuit(t *testing.T) {
	if len(os.Args) > 1 && requestID.Set("x") != nil {
		t.Log("set")
	}
	_ = requestID.Get() // want `from TestShortCircuit;`
}

func TestGeneric(t *testing.T) {
	_ = b.Generic(1)         // want `^b\.Generic calls b\.RequestID\.Get`
	_ = localGeneric[int](2) // want `^localGeneric calls requestID\.Get`
	_ = localGeneric("x")    // want `^localGeneric calls requestID\.Get`
}

func TestMethods(t *testing.T) {
	s := &b.Server{}
	_ = s.Handle() // want `^b\.Server\.Handle calls b\.RequestID\.Get`
	var srv server
	srv.handle() // want `^server\.handle calls requestID\.Get`
}

func TestMethodValues(t *testing.T) {
	defer requestID.Reset(requestID.Set("x"))
	srv := &server{}
	var g errgroup.Group
	g.Go(srv.work) // want `^server\.work calls requestID\.Get \(a\.go:\d+\), which can panic with a LookupError: requestID has no default and is not set on a path from the goroutine started by errgroup\.Group\.Go at a_test\.go:\d+ \(it starts with an empty Context\); give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first \(in the function, or before wrapping it with ctxvar\.Bind\)$`
	_ = g.Wait()
	time.AfterFunc(time.Hour, srv.handle).Stop() // want `^server\.handle calls requestID\.Get .* from the goroutine started by time\.AfterFunc at`
	ctxvar.Spawn(srv.handle)
}

func TestGoAfterSet(t *testing.T) {
	defer requestID.Reset(requestID.Set("x"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = requestID.Get() // want `from the goroutine started at a_test\.go:\d+ \(it starts with an empty Context\)`
	}()
	<-done
	go srv().handle() // want `^server\.handle calls requestID\.Get`
}

func srv() *server { return new(server) }

func TestLaunchers(t *testing.T) {
	defer requestID.Reset(requestID.Set("x"))
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = requestID.Get() // want `started by sync\.WaitGroup\.Go at`
	})
	wg.Wait()
	var g errgroup.Group
	g.TryGo(func() error {
		_ = requestID.Get() // want `started by errgroup\.Group\.TryGo at`
		return nil
	})
	_ = g.Wait()
	t.Run("sub", func(t *testing.T) {
		_ = requestID.Get() // want `started by testing\.T\.Run at`
	})
}

func BenchmarkParallel(b *testing.B) {
	requestID.Set("x")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_ = requestID.Get() // want `started by testing\.B\.RunParallel at`
		}
	})
}

func TestSpawnBeforeSet(t *testing.T) {
	ctxvar.Spawn(func() {
		_ = requestID.Get() // want `from TestSpawnBeforeSet;`
	})
	ctxvar.Spawn(worker) // want `^worker calls requestID\.Get`
	requestID.Set("late")
}

func TestContextCopiedBeforeSet(t *testing.T) {
	c := ctxvar.Copy()
	requestID.Set("x")
	c.Run(func() {
		_ = requestID.Get() // want `from TestContextCopiedBeforeSet;`
	})
}

func TestImmediateClosure(t *testing.T) {
	func() {
		_ = requestID.Get() // want `from TestImmediateClosure;`
	}()
}

func TestRecursion(t *testing.T) {
	_ = countdown(3) // want `^countdown calls requestID\.Get`
}

func TestDeferredGet(t *testing.T) {
	defer func() {
		_ = requestID.Get() // want `from TestDeferredGet;`
	}()
	t.Log("no Set")
}

func TestDeferredHelper(t *testing.T) {
	defer worker() // want `^worker calls requestID\.Get`
}

func TestInterfaceWithoutSetter(t *testing.T) {
	var g getter = impl{}
	_ = g.get()
	_ = b.User.Get() // want `from TestInterfaceWithoutSetter;`
}

// ---- negatives ----

func TestSetDominates(t *testing.T) {
	requestID.Set("x")
	_ = requestID.Get()
	_ = helper()
}

func TestDeferResetSet(t *testing.T) {
	defer requestID.Reset(requestID.Set("x"))
	_ = requestID.Get()
}

func TestTokenDeferred(t *testing.T) {
	tok := requestID.Set("x")
	defer requestID.Reset(tok)
	_ = requestID.Get()
}

func TestBlankToken(t *testing.T) {
	_ = requestID.Set("x")
	_ = requestID.Get()
}

func TestNestedReset(t *testing.T) {
	outer := requestID.Set("outer")
	inner := requestID.Set("inner")
	requestID.Reset(inner)
	_ = requestID.Get()
	requestID.Reset(outer)
}

func TestUnknownToken(t *testing.T) {
	tok := token()
	requestID.Reset(tok)
	_ = requestID.Get()
}

func token() *ctxvar.Token[string] { // want token:"^sets requestID; may set requestID$"
	return requestID.Set("t")
}

func TestDefaultsAndSafeReads(t *testing.T) {
	_ = withDefault.Get()
	_ = b.Tenant.Get()
	_ = requestID.GetOr("none")
	if id, ok := requestID.Lookup(); ok {
		_ = id
	}
	_ = b.Custom.Get()
	_ = reassigned.Get()
}

func TestBothBranches(t *testing.T) {
	if len(os.Args) > 1 {
		requestID.Set(os.Args[1])
	} else {
		requestID.Set("default")
	}
	_ = requestID.Get()
}

func TestFatalPath(t *testing.T) {
	if len(os.Args) < 2 {
		t.Fatal("no id")
	}
	requestID.Set(os.Args[1])
	_ = requestID.Get()
}

func TestPanicPath(t *testing.T) {
	switch {
	case len(os.Args) > 1:
		requestID.Set(os.Args[1])
	default:
		panic(errors.New("no id"))
	}
	_ = requestID.Get()
}

func TestNoReturnHelpers(t *testing.T) {
	if len(os.Args) > 1 {
		fail()
	}
	if len(os.Args) > 2 {
		b.Die("too many")
	}
	_ = 0
	mustHave(os.Args[0])
	_ = requestID.Get()
}

func TestSelectAllCases(t *testing.T) {
	ch := make(chan string, 1)
	ch <- "x"
	select {
	case id := <-ch:
		requestID.Set(id)
	default:
		requestID.Set("none")
	}
	_ = requestID.Get()
}

func TestSetterFunctions(t *testing.T) {
	setRequest("x")
	_ = requestID.Get()
	b.SetRequest("y")
	_ = b.Helper()
	setThenRecurse(2)
}

func TestLoopThenSet(t *testing.T) {
	for i := range 3 {
		_ = i
	}
	requestID.Set("x")
	for range 3 {
		_ = requestID.Get()
	}
}

func TestSpawnAfterSet(t *testing.T) {
	defer requestID.Reset(requestID.Set("x"))
	ctxvar.Spawn(func() {
		_ = requestID.Get()
		_ = helper()
	})
	ctxvar.Spawn(worker)
}

func TestBindAfterSet(t *testing.T) {
	defer requestID.Reset(requestID.Set("x"))
	f := ctxvar.Bind(func() {
		_ = requestID.Get()
	})
	go f()
	var g errgroup.Group
	g.Go(ctxvar.BindErr(func() error {
		_ = requestID.Get()
		return nil
	}))
	_ = g.Wait()
	t.Run("bound", ctxvar.BindArg(func(t *testing.T) {
		_ = requestID.Get()
	}))
	time.AfterFunc(time.Hour, ctxvar.Bind(worker)).Stop()
	go ctxvar.Bind(worker)()
}

func TestRunOfCopyAfterSet(t *testing.T) {
	requestID.Set("x")
	c := ctxvar.Copy()
	c.Run(func() {
		_ = requestID.Get()
	})
	ctxvar.Copy().Run(func() {
		_ = requestID.Get()
	})
	ctxvar.Copy().Run(worker)
}

func TestRunOfUnknownContext(t *testing.T) {
	c := someContext()
	c.Run(func() {
		_ = requestID.Get()
	})
	empty := ctxvar.Copy()
	for range 2 {
		empty.Run(func() {
			_ = requestID.Get()
		})
	}
	twice := ctxvar.Copy()
	twice.Run(func() { requestID.Set("x") })
	twice.Run(func() { _ = requestID.Get() })
}

func someContext() *ctxvar.Context { // want someContext:"^sets requestID; may set requestID$"
	requestID.Set("ctx")
	return ctxvar.Copy()
}

func TestRunDoesNotSetCaller(t *testing.T) {
	ctxvar.Copy().Run(func() {
		requestID.Set("inside")
	})
	_ = requestID.Get() // want `from TestRunDoesNotSetCaller;`
}

func TestImmediateClosureSets(t *testing.T) {
	func() {
		requestID.Set("x")
	}()
	_ = requestID.Get()
}

func TestStoredClosures(t *testing.T) {
	read := func() string { return requestID.Get() }
	_ = read()
	set := func() { requestID.Set("x") }
	set()
	_ = requestID.Get()
}

func TestOnce(t *testing.T) {
	var once sync.Once
	once.Do(func() { requestID.Set("once") })
	_ = requestID.Get()
}

func TestFuncValue(t *testing.T) {
	fn := helper
	_ = fn()
	do(setRequest)
	_ = requestID.Get()
}

func do(f func(string)) { f("x") } // want do:"^sets requestID; may set requestID$"

func TestDeferredGetAfterSet(t *testing.T) {
	requestID.Set("x")
	defer func() {
		_ = requestID.Get()
	}()
	defer worker()
}

// The deferred Reset runs first and leaves requestID unset again.
func TestDeferredGetAfterReset(t *testing.T) {
	defer func() {
		_ = requestID.Get() // want `from TestDeferredGetAfterReset;`
	}()
	defer requestID.Reset(requestID.Set("x"))
}

// The deferred Reset restores the value set before it.
func TestDeferredGetAfterNestedReset(t *testing.T) {
	requestID.Set("outer")
	defer func() {
		_ = requestID.Get()
	}()
	defer requestID.Reset(requestID.Set("inner"))
}

// A later deferred call that may set requestID: unsure, silent.
func TestDeferredGetAfterClosure(t *testing.T) {
	defer func() {
		_ = requestID.Get()
	}()
	defer func() {
		requestID.Set("late")
	}()
}

func TestAliases(t *testing.T) {
	alias.Set("x")
	_ = requestID.Get()
}

func TestLocalAlias(t *testing.T) {
	v := requestID
	v.Set("x")
	_ = requestID.Get()
}

func TestSetThroughParameter(t *testing.T) {
	_ = requestID.Get() // want `from TestSetThroughParameter;`
	setVia(requestID)
	_ = requestID.Get()
}

func setVia(v *ctxvar.Var[string]) { // want setVia:"^sets requestID; may set requestID$"
	v.Set("via")
}

func TestHook(t *testing.T) {
	hook()
	_ = requestID.Get()
}

func TestLookupGuard(t *testing.T) {
	if _, ok := requestID.Lookup(); !ok {
		requestID.Set("x")
	}
	_ = requestID.Get()
}

func TestLookupReturn(t *testing.T) {
	id, ok := requestID.Lookup()
	if !ok || id == "" {
		return
	}
	_ = requestID.Get()
}

func TestLookupWrongBranch(t *testing.T) {
	if _, ok := requestID.Lookup(); ok {
		requestID.Set("again")
	}
	_ = requestID.Get() // want `from TestLookupWrongBranch;`
}

func TestLookupTaglessSwitch(t *testing.T) {
	_, ok := requestID.Lookup()
	switch {
	case ok:
		_ = requestID.Get()
	default:
		_ = requestID.Get() // want `from TestLookupTaglessSwitch;`
	}
}

func TestLookupTaggedSwitch(t *testing.T) {
	_, ok := requestID.Lookup()
	switch len(os.Args) > 1 {
	case ok:
		_ = requestID.Get() // want `from TestLookupTaggedSwitch;`
	}
}

func TestGetOrGuard(t *testing.T) {
	if requestID.GetOr("") == "" {
		requestID.Set("x")
	}
	_ = requestID.Get()
	if "" != b.User.GetOr("") {
		_ = b.User.Get()
	}
	if b.User.GetOr("a") != "b" {
		_ = b.User.Get() // want `from TestGetOrGuard;`
	}
}

func TestRecovered(t *testing.T) {
	defer func() { _ = recover() }()
	_ = requestID.Get()
	_ = helper()
	ctxvar.Spawn(func() {
		_ = requestID.Get() // want `from TestRecovered;`
	})
}

func TestRecoveringHelpers(t *testing.T) {
	_ = safeGet()
	_ = safeGet2()
}

func safeGet() (id string) {
	defer func() {
		if recover() != nil {
			id = "none"
		}
	}()
	return requestID.Get()
}

func safeGet2() string {
	defer recoverPanic()
	return requestID.Get()
}

func recoverPanic() { _ = recover() }

const debug = false

func TestConstantConditions(t *testing.T) {
	if debug {
		_ = requestID.Get()
	}
	if !debug {
		requestID.Set("x")
	}
	_ = requestID.Get()
}

func TestParametersAndFields(t *testing.T) {
	_ = readVar(requestID)
	h := holder{v: requestID}
	_ = h.read()
	local := ctxvar.New[string]("local")
	_ = local.Get()
}

func TestInterfaceSetter(t *testing.T) {
	var s setter = impl{}
	s.set()
	_ = requestID.Get()
	var bs b.Setter = b.Impl{}
	bs.Setup()
	var g b.Getter = b.Impl{}
	_ = g.Value()
}

func TestLintIgnore(t *testing.T) {
	//lint:ignore unsetget the test harness sets requestID
	_ = requestID.Get()
	_ = requestID.Get() //lint:ignore unsetget same line
	//lint:ignore unsetget
	_ = requestID.Get() // want `from TestLintIgnore;`
}

// b.Unused is reached from no entry; b.Deep only after a Set.
func TestCrossPackageSet(t *testing.T) {
	b.RequestID.Set("x")
	_ = b.Deep()
}
