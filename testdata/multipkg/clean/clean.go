// Package clean uses context variables the way the ctxvarlint analyzers ask
// for: it has nothing to report.
package clean

import (
	"sync"

	"example.com/multipkg/lib"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// Handle serves one request and waits for the goroutines it starts.
func Handle(id, user string) []string {
	defer lib.RequestID.Reset(lib.RequestID.Set(id))
	tok := lib.User.Set(user)
	defer lib.User.Reset(tok)

	var mu sync.Mutex
	var lines []string
	add := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, s)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	ctxvar.Spawn(func() {
		defer wg.Done()
		add(lib.Logf("spawned by %s", lib.CurrentUser()))
	})
	wg.Go(ctxvar.Bind(func() { add(lib.Logf("bound")) }))
	lib.Background(func() {
		defer wg.Done()
		add(lib.Logf("in the background"))
	})
	go func() { add("no context needed") }()
	wg.Wait()
	return lines
}

// UserOr returns the current user, or anonymous outside a request.
func UserOr() string { return lib.User.GetOr("anonymous") }
