// Command demo is a small service that uses ctxvar the way code ported from
// Python's contextvars often does at first, with the mistakes the ctxvarlint
// analyzers report. Lint it from the root of the ctxvar repository with
//
//	go -C testdata/demo tool ctxvarlint ./...
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"strings"

	"example.com/demo/reqctx"
	"example.com/demo/server"
	"example.com/demo/worker"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
)

type upper struct{}

func (upper) Lookup(user string) (string, error) { return strings.ToUpper(user), nil }

type reversed struct{}

func (reversed) Lookup(user string) (string, error) {
	r := []rune(user)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r), nil
}

func main() {
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	flag.Parse()
	reqctx.InstallLogger(os.Stderr)
	pool := worker.New(4)
	defer pool.Close()
	srv := &server.Server{Pool: pool, Shards: []server.Shard{upper{}, reversed{}}}
	reqctx.Logf("listening on %s", *addr)
	// Each request runs in a Context of its own, with its request ID set
	// from the X-Request-ID header (or generated).
	log.Fatal(http.ListenAndServe(*addr, ctxvarhttp.Handler(srv, ctxvarhttp.RequestID(reqctx.RequestID, ""))))
}
