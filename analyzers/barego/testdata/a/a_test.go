package a

import "testing"

func TestSub(t *testing.T) {
	t.Run("sub", func(t *testing.T) { // want `testing.\(\*T\).Run runs its function`
		logID()
	})
	go logID() // want `goroutine started with go`
}

// RunParallel runs its body on goroutines of its own, as Fuzz runs the fuzz
// target for each input: both start with an empty Context.
func BenchmarkParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) { // want `^testing.\(\*B\).RunParallel runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.BindArg$`
		for pb.Next() {
			logID()
		}
	})
}

func FuzzID(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) { // want `^testing.\(\*F\).Fuzz runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; capture the Context with ctxvar.Copy and run the function inside its Run$`
		logID()
	})
	f.Fuzz(func(t *testing.T, s string) { t.Log(s) })
}
