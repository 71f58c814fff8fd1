// Package fixnone cannot use the name of the runtime at its reports: they
// come without fixes.
package fixnone

import cv "github.com/ctxvar/ctxvar/ctxvar"

var requestID = cv.New("requestID", cv.Default("none"))

func read() { // want read:"reads requestID.Get"
	_ = requestID.Get()
}

func shadowed() {
	cv := "shadowed"
	_ = cv
	go read() // want `start it with ctxvar.Spawn`
}
