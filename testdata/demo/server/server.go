// Package server serves the demo's API: each request runs with its ID and
// its user in context variables, fans a lookup out to the shards, and is
// audited in the background.
package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"example.com/demo/reqctx"
	"example.com/demo/worker"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// A Shard holds part of the data.
type Shard interface {
	Lookup(user string) (string, error)
}

// A Server answers lookups from its shards.
type Server struct {
	Pool   *worker.Pool
	Shards []Shard
}

// ServeHTTP handles one request, in the request's Context that
// ctxvarhttp.Handler gives it, with the request ID already set.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqctx.User.Set(r.URL.Query().Get("user"))

	slow := time.AfterFunc(time.Second, func() { reqctx.Logf("slow request %s", r.URL.Path) })
	defer slow.Stop()

	go s.audit(r.URL.Path)

	results := make([]string, len(s.Shards))
	var g errgroup.Group
	for i, shard := range s.Shards {
		g.Go(func() error {
			res, err := shard.Lookup(reqctx.User.Get())
			results[i] = res
			return err
		})
	}
	if err := g.Wait(); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.Pool.Submit(ctxvar.Bind(func() { reqctx.Logf("served %d shards", len(results)) }))
	fmt.Fprintln(w, strings.Join(results, "\n"))
}

func (s *Server) audit(path string) {
	reqctx.Logf("audit: %s", path)
}
