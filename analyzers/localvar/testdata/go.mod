module example.com/localvar

go 1.26.0

require github.com/ctxvar/ctxvar v0.0.0

replace github.com/ctxvar/ctxvar => ../../..
