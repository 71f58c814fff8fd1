package lostcancel

import "testing"

// Test functions run on goroutines of their own: their Sets need no Reset.
// A Reset undoes its Set, so a Get after it may find the Var unset again.

func TestResetThenGet(t *testing.T) {
	tok := tenant.Set("t") // ok: losttoken [test]
	tenant.Reset(tok)
	sink(tenant.Get()) // mistake: unsetget [reset]
}

func TestSetThenGet(t *testing.T) {
	tenant.Set("t")    // ok: losttoken [test]
	sink(tenant.Get()) // ok: unsetget [test]
}

func TestDeferredReset(t *testing.T) {
	defer tenant.Reset(tenant.Set("t")) // ok: losttoken [test]
	sink(tenant.Get())                  // ok: unsetget [defer]
}

func TestConditionalReset(t *testing.T) {
	tok := tenant.Set("t") // ok: losttoken [test]
	if condition {
		tenant.Reset(tok)
	}
	sink(tenant.Get()) // mistake: unsetget [reset]
}

func TestHelperToken(t *testing.T) {
	enter("test") // ok: losttoken [test]
	sink(requestID.Get())
	tok := depth.Set(1) // ok: losttoken [test]
	depth.Reset(tok)
	sink(depth.Get()) // mistake: unsetget [reset]
}

func TestSubtest(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		requestID.Set("sub") // ok: losttoken [test]
		tenant.Set("sub")    // ok: losttoken [test]
		sink(tenant.Get())   // ok: unsetget [test]
	})
}

// Helpers of tests are not tests: their Sets leak into the caller.

func setupUser(t *testing.T) {
	tok := tenant.Set("fixture") // ok: losttoken [test]
	t.Cleanup(func() { tenant.Reset(tok) })
}

func setupLeaky(t *testing.T) {
	t.Helper()
	tenant.Set("fixture") // mistake: losttoken [test]
}

func TestMain(m *testing.M) {
	requestID.Set("main") // ok: losttoken [test]
	m.Run()
}

func ExampleScoped() {
	tenant.Set("example") // ok: losttoken [test]
	defer Scoped(depth, 1)()
	println(tenant.Get(), depth.Get())
}

func TestFixtures(t *testing.T) {
	setupUser(t)
	sink(tenant.Get()) // ok: unsetget [set-first]
	setupLeaky(t)
}
