// Command main translates lostcancel's b.go: main may leave a Set in
// place, since the program ends with it; any other function may not.
package main

import (
	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New[string]("requestID")

var maybe bool

func main() {
	tok := requestID.Set("main") // ok: losttoken [main]
	if maybe {
		requestID.Reset(tok)
	}
	notMain()
	showEnv()
	println(requestID.Get()) // mistake: unsetget [reset]
}

func notMain() {
	tok := requestID.Set("x") // mistake: losttoken [branch]
	if maybe {
		requestID.Reset(tok)
	}
}
