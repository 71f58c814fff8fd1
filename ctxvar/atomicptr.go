package ctxvar

import (
	"sync/atomic"
	"unsafe"
)

// atomicPtr is atomic.Pointer with one addition: init, a plain store for an
// object that no other goroutine can see yet. An atomic store is a locked
// instruction on amd64; registering a goroutine initializes three pointers of
// fresh objects, and paying for a fence on each showed up in Spawn's cost.
type atomicPtr[T any] struct {
	p unsafe.Pointer
}

// init sets the pointer of an object that is not yet published to other
// goroutines. Publication itself must be an atomic store.
func (a *atomicPtr[T]) init(v *T) { a.p = unsafe.Pointer(v) }

func (a *atomicPtr[T]) Load() *T { return (*T)(atomic.LoadPointer(&a.p)) }

func (a *atomicPtr[T]) Store(v *T) { atomic.StorePointer(&a.p, unsafe.Pointer(v)) }

func (a *atomicPtr[T]) CompareAndSwap(old, new *T) bool {
	return atomic.CompareAndSwapPointer(&a.p, unsafe.Pointer(old), unsafe.Pointer(new))
}
