// Package fixalias imports the runtime under another name, which the fixes
// use.
package fixalias

import (
	"sync"

	cv "github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = cv.New("requestID", cv.Default("none"))

func read() { // want read:"reads requestID.Get"
	_ = requestID.Get()
}

func start(wg *sync.WaitGroup) {
	go read()   // want `start it with ctxvar.Spawn`
	wg.Go(read) // want `wrap the function with ctxvar.Bind`
}
