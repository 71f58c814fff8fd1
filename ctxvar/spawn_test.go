package ctxvar_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// crashEnv, when set, makes TestMain act as a program that crashes in a
// goroutine started the way the variable names.
const crashEnv = "CTXVAR_TEST_CRASH"

func TestMain(m *testing.M) {
	switch os.Getenv(crashEnv) {
	case "go":
		go func() { panic("boom in a goroutine") }()
		time.Sleep(10 * time.Second)
		os.Exit(0)
	case "spawn":
		ctxvar.Spawn(func() { panic("boom in a goroutine") })
		time.Sleep(10 * time.Second)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crash runs the test binary as a program that panics in a goroutine started
// with how, and returns its exit code and standard error.
func crash(t *testing.T, how string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+how)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the %s program did not crash: %v", how, err)
	}
	return exit.ExitCode(), stderr.String()
}

// A panic in a spawned goroutine crashes the program exactly as it would in a
// goroutine started with go: same exit status, same first line, a traceback
// that shows the panicking function. Nothing is recovered or swallowed.
func TestSpawnPanicCrashesLikeGo(t *testing.T) {
	goCode, goErr := crash(t, "go")
	spawnCode, spawnErr := crash(t, "spawn")
	if spawnCode != goCode {
		t.Errorf("exit status %d with Spawn, %d with go", spawnCode, goCode)
	}
	firstLine := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
	if firstLine(spawnErr) != firstLine(goErr) || firstLine(goErr) != "panic: boom in a goroutine" {
		t.Errorf("first line %q with Spawn, %q with go", firstLine(spawnErr), firstLine(goErr))
	}
	if !strings.Contains(spawnErr, "ctxvar_test.TestMain.func2") {
		t.Errorf("the traceback does not show the spawned function:\n%s", spawnErr)
	}
	if strings.Contains(spawnErr, "recovered") {
		t.Errorf("the panic was recovered:\n%s", spawnErr)
	}
}

// Spawn, Bind, Run and New reject a missing argument at the call site, with an
// error that names the fix.
func TestMisuseAtCallSite(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func()
		want error
	}{
		{"Spawn(nil)", func() { ctxvar.Spawn(nil) }, ctxvar.ErrNilFunc},
		{"Bind(nil)", func() { ctxvar.Bind(nil) }, ctxvar.ErrNilFunc},
		{"BindErr(nil)", func() { ctxvar.BindErr(nil) }, ctxvar.ErrNilFunc},
		{"BindArg(nil)", func() { ctxvar.BindArg[int](nil) }, ctxvar.ErrNilFunc},
		{"Run(nil)", func() { ctxvar.Copy().Run(nil) }, ctxvar.ErrNilFunc},
		{"nil Context Run", func() { (*ctxvar.Context)(nil).Run(func() {}) }, ctxvar.ErrNilContext},
		{`New("")`, func() { ctxvar.New[int]("") }, ctxvar.ErrEmptyName},
		{"Reset(nil)", func() { ctxvar.New[int]("v").Reset(nil) }, ctxvar.ErrNilToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, tc.want) {
					t.Fatalf("panicked with %v, want an error matching %v", err, tc.want)
				}
				if msg := fmt.Sprint(err); len(msg) <= len(tc.want.Error())+10 {
					t.Errorf("message %q does not say how to fix the call", msg)
				}
			}()
			tc.call()
		})
	}
}

// BindErr and BindArg behave as Bind: the snapshot is taken at the call, each
// call runs in a fresh copy, and the callback's result and argument pass through.
func TestBindErrAndBindArg(t *testing.T) {
	user := ctxvar.New[string]("user")
	sentinel := errors.New("sentinel")

	tok := user.Set("alice")
	withErr := ctxvar.BindErr(func() error {
		if got := user.GetOr(""); got != "alice" {
			t.Errorf("BindErr callback sees %q, want alice", got)
		}
		user.Set("changed")
		return sentinel
	})
	withArg := ctxvar.BindArg(func(n int) {
		if got := user.GetOr(""); got != "alice" {
			t.Errorf("BindArg callback sees %q, want alice", got)
		}
		if n != 42 {
			t.Errorf("BindArg callback got %d, want 42", n)
		}
		user.Set("changed")
	})
	user.Reset(tok)

	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 2 {
			if err := withErr(); err != sentinel {
				t.Errorf("BindErr returned %v, want the callback's error", err)
			}
			withArg(42)
		}
		if _, ok := user.Lookup(); ok {
			t.Error("a bound callback's Set leaked into the calling goroutine")
		}
	}()
	<-done
}
