// Package pool runs functions on a fixed set of worker goroutines. barego
// cannot see that Pool.Go runs its function on another goroutine, as it
// hands it over through a channel: only the launchers setting tells it.
package pool

// A Pool runs functions on its workers.
type Pool struct{ work chan func() }

// New starts a Pool of n workers.
func New(n int) *Pool {
	p := &Pool{work: make(chan func())}
	for range n {
		go p.worker()
	}
	return p
}

func (p *Pool) worker() {
	for fn := range p.work {
		fn()
	}
}

// Go runs fn on one of the workers.
func (p *Pool) Go(fn func()) { p.work <- fn }
