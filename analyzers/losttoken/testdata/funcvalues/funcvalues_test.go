package funcvalues

import "testing"

func runSubtest(t *testing.T) {
	f := func(t *testing.T) {
		tenant.Set(t.Name())
	}
	t.Run("sub", f)
}

func runSubtestAndCall(t *testing.T) {
	f := func(t *testing.T) {
		tenant.Set(t.Name()) // want `the token returned by tenant\.Set is discarded`
	}
	t.Run("sub", f)
	f(t)
}
