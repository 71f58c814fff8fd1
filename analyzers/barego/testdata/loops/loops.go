// Package loops starts goroutines that serve a stream of work: Spawn would
// give every job the values of whoever started the goroutine, so barego
// points at the submission of each job instead, and offers no fix.
package loops

import (
	"fmt"
	"sync"
	"time"

	"example.com/barego/looplib"
	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

// A Pool runs the jobs submitted to it on its workers.
type Pool struct {
	jobs chan func()
	wg   sync.WaitGroup
}

// New starts a pool of n workers.
func New(n int) *Pool {
	p := &Pool{jobs: make(chan func())}
	for range n {
		p.wg.Add(1)
		go p.work() // want `^goroutine started with go runs with an empty Context: requestID.Get sees none of the caller's values; the goroutine started by New runs p.work, a loop that outlives one unit of work; bind each job to its submitter's Context at submission with ctxvar.Bind\(job\) instead$`
	}
	return p
}

func (p *Pool) work() { // want work:"reads requestID.Get; sets any Var; loops"
	defer p.wg.Done()
	fmt.Println("worker started for", requestID.Get())
	for job := range p.jobs {
		job()
	}
}

// Submit queues job; a worker runs it in the caller's Context.
func (p *Pool) Submit(job func()) { p.jobs <- ctxvar.Bind(job) } // want Submit:"binds job to the caller.s Context" Submit:"carries ctxvar.Bind"

// NewGroup starts its workers with WaitGroup.Go.
func NewGroup(n int) *Pool {
	p := &Pool{jobs: make(chan func())}
	for range n {
		p.wg.Go(p.work) // want `^sync.\(\*WaitGroup\).Go runs its function on another goroutine with an empty Context: requestID.Get sees none of the caller's values; the goroutine started by NewGroup runs p.work, a loop that outlives one unit of work; bind each job to its submitter's Context at submission with ctxvar.Bind\(job\) instead$`
	}
	return p
}

type request struct{ path string }

// A Server answers requests on its own goroutine until it is stopped.
type Server struct {
	reqs chan request
	quit chan struct{}
}

func (s *Server) Start() {
	go s.serve() // want `^goroutine started with go runs with an empty Context: requestID.GetOr sees none of the caller's values; the goroutine started by Start runs s.serve, a loop that outlives one unit of work; capture the Context where each job is submitted, with ctxvar.Copy, and run the job inside its Run instead$`
}

func (s *Server) serve() { // want serve:"reads requestID.GetOr; loops"
	for {
		select {
		case r := <-s.reqs:
			fmt.Println(r.path, requestID.GetOr("?"))
		case <-s.quit:
			return
		}
	}
}

// Literals, jobs that return errors, and loops of other packages.
func startAll(jobs chan func() error) {
	go func() { // want `the goroutine started by startAll runs a loop that outlives one unit of work; bind each job to its submitter's Context at submission with ctxvar.BindErr\(job\) instead$`
		for {
			job := <-jobs
			fmt.Println(requestID.Get())
			_ = job()
		}
	}()
	go looplib.Serve(jobs) // want `: looplib.Tenant.Get sees none of the caller's values; the goroutine started by startAll runs looplib.Serve, a loop that outlives one unit of work; bind each job to its submitter's Context at submission with ctxvar.BindErr\(job\) instead$`
}

// Negatives: one unit of work, though it loops or receives. These get the
// usual advice, and a fix.

func collect(ch chan int, n int) { // want collect:"reads requestID.Get"
	for i := 0; i < n; i++ {
		fmt.Println(<-ch, requestID.Get())
	}
}

func each(items []string) { // want each:"reads requestID.Get"
	for _, it := range items {
		fmt.Println(it, requestID.Get())
	}
}

// A loop in a function literal runs elsewhere.
func later(ch chan func()) { // want later:"reads requestID.Get"
	fmt.Println(requestID.Get())
	go func() {
		for f := range ch {
			f()
		}
	}()
}

func oneUnit(ch chan int, items []string) {
	go collect(ch, 3) // want `: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
	go each(items)    // want `: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
	go later(nil)     // want `: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
}

// A loop over a local channel, or a parameter, that carries no functions
// consumes the results of one unit of work.
func fanIn(items []string) {
	results := make(chan string)
	go func() { // want `: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
		for r := range results {
			fmt.Println(r, requestID.Get())
		}
	}()
	go consume(results) // want `: requestID.Get sees none of the caller's values; start it with ctxvar.Spawn$`
	for _, it := range items {
		results <- it
	}
	close(results)
}

func consume(results <-chan string) { // want consume:"reads requestID.Get"
	for {
		r, ok := <-results
		if !ok {
			return
		}
		fmt.Println(r, requestID.Get())
	}
}

// A ticker's channel is a field: the loop outlives the call.
func (s *Server) poll(t *time.Ticker) { // want poll:"reads requestID.Get; loops"
	for range t.C {
		fmt.Println("poll", requestID.Get())
	}
}

func (s *Server) StartPolling() {
	go s.poll(time.NewTicker(time.Second)) // want `the goroutine started by StartPolling runs s.poll, a loop that outlives one unit of work; capture the Context where each job is submitted, with ctxvar.Copy, and run the job inside its Run instead$`
}
