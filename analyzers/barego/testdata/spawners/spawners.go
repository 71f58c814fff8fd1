// Package spawners is analyzed with b.Async, a launcher by its own go
// statement, and (*b.Queue).Push named as spawners: functions that run
// their func arguments in a copy of the caller's Context by means barego
// cannot see.
package spawners

import (
	"fmt"
	"time"

	"example.com/barego/b"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

func logID() { // want logID:"reads requestID.Get"
	fmt.Println(requestID.Get())
}

func use(q *b.Queue) {
	b.Async(logID)                     // a spawner, though barego finds b.Async to be a launcher
	q.Push(func() { logID() })         // a spawner
	b.After(time.Second, logID)        // want `^b.After runs its function on another goroutine`
	time.AfterFunc(time.Second, logID) // want `^time.AfterFunc runs its function on another goroutine`
}

// spawn hands its parameter to a spawner: it is a Spawn too.
func spawn(fn func()) { // want spawn:"binds fn to the caller's Context"
	b.Async(fn)
}

// push hands its parameter to a spawner method.
func push(q *b.Queue, fn func()) { // want push:"binds fn to the caller's Context"
	q.Push(fn)
}

func useWrappers(q *b.Queue) {
	spawn(logID)
	push(q, logID)
}
