// Package benchcmp holds the speed and memory comparison between package
// ctxvar and its peers: context.Context.Value, github.com/timandy/routine,
// github.com/cloudwego/localsession and (from run.sh) Python's contextvars. It
// is a separate module so that the peers stay out of the main go.mod. The
// benchmarks are in bench_test.go, server_test.go (a simulated server's
// requests) and memory_test.go (heap per live goroutine); run.sh runs them
// and prints the tables. See README.md.
package benchcmp
