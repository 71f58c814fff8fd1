// Package worker runs jobs on a fixed set of goroutines.
package worker

import (
	"sync"

	"example.com/demo/reqctx"
)

// A Pool runs the jobs submitted to it on its goroutines.
type Pool struct {
	jobs chan func()
	wg   sync.WaitGroup
}

// New starts a pool of n goroutines.
func New(n int) *Pool {
	p := &Pool{jobs: make(chan func())}
	for i := range n {
		p.wg.Add(1)
		go p.work(i)
	}
	return p
}

func (p *Pool) work(i int) {
	defer p.wg.Done()
	reqctx.Logf("worker %d started", i)
	for job := range p.jobs {
		job()
	}
}

// Submit runs job on one of the pool's goroutines. The job runs in that
// goroutine's Context, not the caller's.
func (p *Pool) Submit(job func()) { p.jobs <- job }

// Close stops the pool once the submitted jobs have run.
func (p *Pool) Close() {
	close(p.jobs)
	p.wg.Wait()
}
