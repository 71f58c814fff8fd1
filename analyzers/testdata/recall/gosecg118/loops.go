package gosecg118

import (
	"io"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// Vulnerable: a long-lived polling goroutine reads the Context on every
// iteration, and started with go it has none.
func startPoller() {
	go func() { // mistake: barego [worker-ctor]
		for {
			sink(reqPath.Get(), attempt.Get())
			time.Sleep(time.Second)
		}
	}()
}

// Vulnerable: a goroutine per iteration.
func spawnWorkers() {
	for {
		go func() { // mistake: barego [loop]
			sink(user.Get()) // mistake: unsetget [loop]
		}()
		time.Sleep(time.Second)
	}
}

// Safe: Spawn takes the Context along.
func spawnWorkersOK() {
	defer user.Reset(user.Set("poller"))
	for i := 0; i < 3; i++ {
		ctxvar.Spawn(func() { // ok: barego [spawn]
			sink(user.Get()) // ok: unsetget [spawn]
		})
	}
}

// Vulnerable: a reader loop on its own goroutine, Set in each iteration
// and never reset.
func readLoop(r io.Reader) {
	go func() { // ok: barego [set-first]
		buf := make([]byte, 1024)
		for {
			n, err := r.Read(buf)
			if err != nil {
				return
			}
			attempt.Set(n) // mistake: losttoken [loop]
			sink(attempt.Get())
		}
	}()
}

// A worker started in a constructor: it serves requests for the life of
// the pool, each in the Context of the goroutine that made the pool, which
// is empty.
type Pool struct {
	jobs chan func()
	quit chan struct{}
}

func NewPool() *Pool {
	p := &Pool{jobs: make(chan func()), quit: make(chan struct{})}
	go p.loop() // mistake: barego [worker-ctor]
	return p
}

func (p *Pool) loop() {
	for {
		select {
		case job := <-p.jobs:
			sink(reqPath.Get())
			job()
		case <-p.quit:
			return
		}
	}
}

// Safe: the constructor spawns the worker, which sees what was set when
// the pool was made.
type Ticker struct{ stop chan struct{} }

func NewTicker() *Ticker {
	t := &Ticker{stop: make(chan struct{})}
	ctxvar.Spawn(t.run) // ok: barego [worker-ctor]
	return t
}

func (t *Ticker) run() {
	for {
		select {
		case <-time.After(time.Second):
			sink(reqPath.Get())
		case <-t.stop:
			return
		}
	}
}
