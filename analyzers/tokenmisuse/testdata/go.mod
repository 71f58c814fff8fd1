module example.com/tokenmisuse

go 1.26.0

require (
	github.com/ctxvar/ctxvar v0.0.0
	golang.org/x/sync v0.24.0
)

replace github.com/ctxvar/ctxvar => ../../..
