// Package a declares a context variable and reads it.
package a

import "github.com/ctxvar/ctxvar/ctxvar"

// RequestID is the request being served.
var RequestID = ctxvar.New("requestID", ctxvar.Default("none"))

// Current returns the request being served.
func Current() string { return RequestID.Get() }
