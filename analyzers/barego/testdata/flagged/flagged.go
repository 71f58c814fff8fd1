// Package flagged is analyzed with -launchers naming b.Later and
// (*b.Queue).Push, which barego cannot recognize as launchers by itself.
package flagged

import (
	"fmt"

	"example.com/barego/b"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

func logID() { // want logID:"reads requestID.Get"
	fmt.Println(requestID.Get())
}

func use(q *b.Queue) { // want use:"carries ctxvar.Bind"
	b.Later(logID)              // want `^b.Later runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; wrap the function with ctxvar.Bind$`
	q.Push(func() { logID() })  // want `^b.\(\*Queue\).Push runs its function on another goroutine`
	b.Later(func() {})          // never reads
	b.Later(ctxvar.Bind(logID)) // bound
}

// later hands its parameter to a flagged launcher: it is a launcher too.
func later(fn func()) { // want later:"runs fn on another goroutine"
	b.Later(fn)
}

func useLater() {
	later(logID) // want `^flagged.later runs its function`
}
