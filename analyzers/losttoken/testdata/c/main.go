// Command c sets up its Context in init and main.
package main

import (
	"example.com/losttoken/b"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var mode = ctxvar.New("mode", ctxvar.Default("dev"))

func init() {
	mode.Set("init")
}

func main() {
	mode.Set("prod")
	tok := mode.Set("x")
	if len(tok.Var().Name()) == 0 {
		return
	}
	serve()
}

func serve() {
	b.Exported.Set(1) // want `the token returned by b\.Exported\.Set is discarded: the previous value is never restored; reset it with defer b\.Exported\.Reset\(b\.Exported\.Set\(1\)\)`
	mode.Set("serve") // want `discarded`
	go func() {
		mode.Set("worker") // want `discarded`
	}()
}

type app struct{}

// A method named main or init is an ordinary method.
func (app) main() {
	mode.Set("method") // want `discarded`
}

func (app) init() {
	mode.Set("method") // want `discarded`
}
