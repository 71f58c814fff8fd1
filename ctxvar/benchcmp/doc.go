// Package benchcmp holds the speed comparison between package ctxvar and its
// peers: context.Context.Value, github.com/timandy/routine and (from run.sh)
// Python's contextvars. It is a separate module so that the peers stay out of
// the main go.mod. The benchmarks are in bench_test.go; run.sh runs them and
// prints one table. See README.md.
package benchcmp
