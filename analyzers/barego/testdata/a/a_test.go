package a

import "testing"

func TestSub(t *testing.T) {
	t.Run("sub", func(t *testing.T) { // want `testing.\(\*T\).Run runs its function`
		logID()
	})
	go logID() // want `goroutine started with go`
}
