package fixnone

import "time"

// ctxvar is taken: the runtime's import cannot be added to this file.
var ctxvar = "taken"

func taken() {
	go read()                         // want `start it with ctxvar.Spawn`
	time.AfterFunc(time.Second, read) // want `wrap the function with ctxvar.Bind`
}
