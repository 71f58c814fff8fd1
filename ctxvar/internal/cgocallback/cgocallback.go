//go:build cgo

package cgocallback

/*
#include <stdint.h>

int ctxvar_cgocallback_one_thread(uintptr_t handle, int calls);
int ctxvar_cgocallback_threads(uintptr_t handle, int threads);
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
)

// Enabled reports whether the package was built with cgo, that is whether
// [OneThread] and [Threads] call back from C threads.
const Enabled = true

// OneThread creates one C thread (a pthread) that calls fn(0), fn(1), ...,
// fn(calls-1) one after another through an exported Go function, and waits
// for the thread to exit. fn runs on the goroutine the runtime keeps for that
// thread; it must not panic (a panic in a callback from C ends the program)
// nor call runtime.Goexit.
func OneThread(calls int, fn func(call int)) error {
	h := cgo.NewHandle(fn)
	defer h.Delete()
	if rc := C.ctxvar_cgocallback_one_thread(C.uintptr_t(h), C.int(calls)); rc != 0 {
		return fmt.Errorf("cgocallback: pthread error %d", int(rc))
	}
	return nil
}

// Threads creates threads C threads one after another: each calls fn once,
// with its index, and has exited before the next is created. fn runs on the
// goroutine the runtime lends to the calling thread; it must not panic nor
// call runtime.Goexit.
func Threads(threads int, fn func(call int)) error {
	h := cgo.NewHandle(fn)
	defer h.Delete()
	if rc := C.ctxvar_cgocallback_threads(C.uintptr_t(h), C.int(threads)); rc != 0 {
		return fmt.Errorf("cgocallback: pthread error %d", int(rc))
	}
	return nil
}

//export ctxvarCgoCallback
func ctxvarCgoCallback(handle C.uintptr_t, call C.int) {
	cgo.Handle(handle).Value().(func(int))(int(call))
}
