// Package fixstyle has the go statements whose fixes leave operands in
// place, where evaluating them in the new goroutine gives what the go
// statement gives, and bind them first where it would not.
package fixstyle

import (
	"fmt"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var requestID = ctxvar.New("requestID", ctxvar.Default("none"))

type observer struct{ id int }

type server struct{ name string }

func (s *server) notify(o observer) { // want notify:"reads requestID.Get"
	fmt.Println(s.name, o.id, requestID.Get())
}

type counter struct{ n int }

func (c counter) show(extra int) { // want show:"reads requestID.Get"
	fmt.Println(c.n+extra, requestID.Get())
}

func send(o observer, msg string) { // want send:"reads requestID.Get"
	fmt.Println(o.id, msg, requestID.Get())
}

func byID(id int) { // want byID:"reads requestID.Get"
	fmt.Println(id, requestID.Get())
}

func current() observer { return observer{id: 1} }

func next() *server { return &server{name: "next"} }

func now() string { return "now" }

func mutate(o *observer) { o.id++ }

var defaultObserver = observer{id: 7}

var Shared = observer{id: 8}

// Operands that stay in place.

func notifyAll(s *server, obs []observer) {
	for _, o := range obs {
		go s.notify(o) // want `start it with ctxvar.Spawn`
	}
}

func counted(s *server, n int) {
	for i := 0; i < n; i++ {
		go s.notify(observer{}) // want `start it with ctxvar.Spawn`
		go func(i int) {        // want `start it with ctxvar.Spawn`
			send(observer{id: i}, "counted")
		}(i)
	}
}

func globals(s *server) {
	go s.notify(defaultObserver) // want `start it with ctxvar.Spawn`
}

func valueReceiver(c counter) {
	go c.show(1) // want `start it with ctxvar.Spawn`
}

func addressOfVariable(o observer) {
	go send(o, "sent") // want `start it with ctxvar.Spawn`
	var local server
	go local.notify(o) // want `start it with ctxvar.Spawn`
}

// Operands bound first.

func loopAssigned(s *server, n int) {
	o := observer{}
	for i := range n {
		go s.notify(o) // want `start it with ctxvar.Spawn`
		o.id = i
	}
}

func callArgument(s *server) {
	go s.notify(current()) // want `start it with ctxvar.Spawn`
}

func receivers(m map[string]*server, ss []*server, o observer, p *counter) {
	go m["a"].notify(o)  // want `start it with ctxvar.Spawn`
	go ss[0].notify(o)   // want `start it with ctxvar.Spawn`
	go next().notify(o)  // want `start it with ctxvar.Spawn`
	go p.show(1)         // want `start it with ctxvar.Spawn`
	go send(Shared, "x") // want `start it with ctxvar.Spawn`
}

func addressTaken(s *server) {
	o := observer{}
	go s.notify(o) // want `start it with ctxvar.Spawn`
	mutate(&o)
}

func assignedInClosure(s *server) {
	o := observer{}
	defer func() { o = observer{} }()
	go s.notify(o) // want `start it with ctxvar.Spawn`
}

func nameTaken(s *server) {
	go send(current(), "x") // want `start it with ctxvar.Spawn`
	o := 1
	_ = o
}

func (s *server) each(at string, f func(observer)) { // want each:"reads requestID.Get"
	fmt.Println(s.name, at, requestID.Get())
	f(observer{})
}

func multiline(s *server) {
	go s.each(now(), func(o observer) { // want `start it with ctxvar.Spawn`
		fmt.Println(o.id, `first
second`)
	})
	go func(o observer, label string) { // want `start it with ctxvar.Spawn`
		send(o, label)
	}(current(), "literal")
}

// A labeled go statement, or one in a function with a goto, keeps its
// bindings in a block, where the comment at the end of the line follows
// the Spawn.
func labeled(s *server, retry bool) {
again:
	go s.notify(current()) // want `start it with ctxvar.Spawn`
	if retry {
		retry = false
		goto again
	}
}
