module github.com/ctxvar/ctxvar/ctxvar/benchcmp

go 1.26.0

require (
	github.com/ctxvar/ctxvar v0.0.0
	github.com/timandy/routine v1.1.6
)

replace github.com/ctxvar/ctxvar => ../..
