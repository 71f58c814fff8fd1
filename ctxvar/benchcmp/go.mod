module github.com/ctxvar/ctxvar/ctxvar/benchcmp

go 1.26.0

require (
	github.com/cloudwego/localsession v0.1.2
	github.com/ctxvar/ctxvar v0.0.0
	github.com/timandy/routine v1.1.6
)

require (
	github.com/cloudwego/runtimex v0.1.1 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
)

replace github.com/ctxvar/ctxvar => ../..
