package fiximport

import (
	"time"

	"example.com/barego/b"
)

func helper() { // want helper:"reads b.RequestID.Get"
	b.ID()
}

func later() {
	time.AfterFunc(time.Second, helper) // want `wrap the function with ctxvar.Bind`
}
