// Package app serves requests with the helpers of package lib, and makes the
// mistakes the ctxvarlint analyzers report across the package boundary.
package app

import (
	"sync"

	"example.com/multipkg/lib"
	"github.com/ctxvar/ctxvar/ctxvar"
)

// A Log collects lines from several goroutines.
type Log struct {
	mu    sync.Mutex
	lines []string
}

func (l *Log) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
}

// Handle serves one request for user.
func Handle(l *Log, id, user string) {
	lib.RequestID.Set(id) // want losttoken `requestID|RequestID`
	defer lib.User.Reset(lib.User.Set(user))

	var wg sync.WaitGroup
	wg.Add(1)
	go audit(l, &wg)                                       // want barego `RequestID`
	wg.Go(func() { l.add(lib.Logf("handled")) })           // want barego `RequestID`
	lib.Async(func() { l.add("by " + lib.CurrentUser()) }) // want barego `lib\.User\.Get sees none` unsetget `lib\.CurrentUser calls lib\.User\.Get .* started by lib\.Async at`
	lib.Background(func() { l.add(lib.Logf("in the background")) })
	lib.Enqueue(func() { l.add(lib.Logf("queued by %s", lib.CurrentUser())) })
	wg.Add(1)
	ctxvar.Spawn(func() { defer wg.Done(); l.add(lib.Logf("spawned")) })
	wg.Wait()
}

func audit(l *Log, wg *sync.WaitGroup) {
	defer wg.Done()
	l.add(lib.Logf("audit"))
}

// Greet greets the current user from a goroutine of its own.
func Greet(l *Log, done chan<- struct{}) {
	go func() { // want barego `User`
		l.add("hello " + lib.CurrentUser()) // want unsetget `User`
		close(done)
	}()
}

// Detached starts a goroutine that is meant to run outside any request.
func Detached(l *Log) {
	//lint:ignore barego the janitor logs as no request, on purpose
	go func() { l.add(lib.Logf("janitor")) }()
}
