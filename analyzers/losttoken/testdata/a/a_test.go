package a

import (
	"testing"
)

// Test functions run on goroutines of their own: silent.

func TestSetWithoutReset(t *testing.T) {
	requestID.Set("test")
	tok := user.Set("u")
	if t.Failed() {
		return
	}
	user.Reset(tok)
	t.Run("sub", func(t *testing.T) {
		requestID.Set("sub")
	})
}

func Test(t *testing.T) {
	requestID.Set("test")
}

func BenchmarkSet(b *testing.B) {
	requestID.Set("bench")
	b.Run("sub", func(b *testing.B) {
		requestID.Set("sub")
	})
}

func FuzzSet(f *testing.F) {
	requestID.Set("fuzz")
	f.Fuzz(func(t *testing.T, id string) {
		requestID.Set(id)
	})
}

func ExampleVar() {
	requestID.Set("example")
	// Output:
}

func TestMain(m *testing.M) {
	requestID.Set("main")
	m.Run()
}

// Helpers in test files are not test functions.

func Testify(t *testing.T) {
	requestID.Set("helper") // want `discarded`
}

func setUp(t *testing.T) {
	t.Helper()
	requestID.Set("helper") // want `discarded`
}

func TestCallsHelper(t *testing.T) {
	setUp(t)
	Testify(t)
	cleanup := func() {
		requestID.Set("cleanup") // want `discarded`
	}
	t.Cleanup(cleanup)
}

type suite struct{}

func (suite) TestMethod(t *testing.T) {
	requestID.Set("method") // want `discarded`
}

// t.Fatal ends the test's goroutine, also through testing.TB.
func checkID(t testing.TB, id string) string {
	tok := requestID.Set(id)
	if id == "" {
		t.Fatalf("empty id")
		return ""
	}
	requestID.Reset(tok)
	return id
}

func checkIDSkip(t *testing.T, id string) string {
	tok := requestID.Set(id)
	if id == "" {
		t.Skip("no id")
		return ""
	}
	requestID.Reset(tok)
	return id
}
