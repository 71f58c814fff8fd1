package app

import (
	"testing"

	"example.com/multipkg/lib"
)

func TestHandle(t *testing.T) {
	lib.RequestID.Set("test")
	t.Run("logf", func(t *testing.T) { // want barego `RequestID`
		if got := lib.Logf("x"); got != "[test] x" {
			t.Errorf("Logf = %q", got)
		}
	})
}
