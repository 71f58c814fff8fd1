//go:build !cgo

package cgocallback

// Enabled reports whether the package was built with cgo; without cgo,
// [OneThread] and [Threads] return [ErrNoCgo] and call nothing.
const Enabled = false

// OneThread would call fn calls times from one C thread; built without cgo,
// it returns [ErrNoCgo].
func OneThread(calls int, fn func(call int)) error { return ErrNoCgo }

// Threads would call fn once from each of threads C threads in turn; built
// without cgo, it returns [ErrNoCgo].
func Threads(threads int, fn func(call int)) error { return ErrNoCgo }
