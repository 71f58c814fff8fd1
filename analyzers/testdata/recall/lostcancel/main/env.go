package main

import "github.com/ctxvar/ctxvar/ctxvar"

// env is set by init: main, on the same goroutine, sees it. A goroutine
// that main starts with go does not.
var env = ctxvar.New[string]("env")

func init() {
	env.Set("dev") // ok: losttoken [init]
}

func showEnv() {
	println(env.Get()) // ok: unsetget [init-order]
	done := make(chan struct{})
	go func() { // mistake: barego [go-literal]
		defer close(done)
		println(env.Get()) // mistake: unsetget [go-literal]
	}()
	<-done
	ctxvar.Spawn(func() { // ok: barego [spawn]
		println(env.Get()) // ok: unsetget [spawn]
	})
}
