// Package p holds the expressions the tests of funcvals ask about: each
// argument of a call of use, whose values the comment on its line lists
// (a literal by the tag it calls), and each argument of a call of keep,
// which the comment says Unchanged finds unchanged or changed from the
// call's statement on.
package p

func use(...any)  {}
func keep(...any) {}
func tag(string)  {}

type S struct{ n int }

func (s *S) run()  {}
func (s S) value() {}
func (s S) set(n int) {
	s.n = n
}

func named()           {}
func other()           {}
func generic[T any]()  {}
func mk() func()       { return named }
func modify(*handlers) {}
func pass([]func())    {}

type handlers struct{ start, stop func() }

type task func()

var global = named

func simple(s *S, param func()) {
	f := func() { tag("a") }
	use(f) // want: lit:a
	g := named
	use(g) // want: func:named
	m := s.run
	use(m) // want: method:run
	x := (*S).run
	use(x)      // want: methodexpr:run
	use(param)  // want: unknown
	use(global) // want: unknown
	var z func()
	use(z) // want: nil
	h := generic[int]
	use(h)                        // want: func:generic
	use(func() { tag("direct") }) // want: lit:direct
	use(nil)                      // want: nil
	t := task(named)
	use(t) // want: func:named
}

func paths(c bool) {
	f := func() { tag("a") }
	if c {
		f = func() { tag("b") }
	}
	use(f) // want: lit:a lit:b
	f = named
	use(f) // want: func:named
	var g func()
	if c {
		g = named
	}
	use(g) // want: nil func:named
}

func loops(n int) {
	f := func() { tag("a") }
	for i := 0; i < n; i++ {
		use(f) // want: lit:a lit:b
		f = func() { tag("b") }
	}
	use(f) // want: lit:a lit:b
	for range n {
		g := named
		use(g) // want: func:named
		g = other
		use(g) // want: func:other
	}
}

func captured() {
	f := func() { tag("a") }
	go func() {
		use(f) // want: lit:a lit:b
	}()
	f = func() { tag("b") }
}

func closureAssigns() {
	f := func() { tag("a") }
	func() { f = named }()
	use(f) // want: unknown
}

func addressTaken() {
	f := func() { tag("a") }
	p := &f
	_ = p
	use(f) // want: unknown
}

func fromCall() {
	f := mk()
	use(f) // want: unknown
	g := f
	use(g) // want: unknown
	h, k := named, mk()
	use(h) // want: func:named
	use(k) // want: unknown
}

func chain() {
	f := func() { tag("a") }
	g := f
	h := g
	use(h) // want: lit:a
}

func cycle(c bool) {
	f := named
	g := f
	for c {
		f = g
		g = f
	}
	use(g) // want: func:named
}

func structs() {
	h := handlers{start: func() { tag("start") }}
	use(h.start) // want: lit:start
	use(h.stop)  // want: nil
	p := &handlers{func() { tag("s") }, named}
	use(p.stop) // want: func:named
	q := handlers{start: named}
	q.start = nil
	use(q.start) // want: unknown
	r := &handlers{start: named}
	modify(r)
	use(r.start) // want: unknown
	c := handlers{start: named}
	d := c
	use(d.start) // want: unknown
	use(c.start) // want: func:named
}

func slicesOf(i int) {
	fs := []func(){func() { tag("a") }, named}
	use(fs[0]) // want: lit:a
	use(fs[1]) // want: func:named
	use(fs[i]) // want: lit:a func:named
	use(fs[5]) // want: nil
	for _, f := range fs {
		use(f) // want: lit:a func:named
	}
	for _, f := range []func(){named} {
		use(f) // want: func:named
	}
	arr := [3]func(){named}
	use(arr[i]) // want: func:named nil
	keyed := []func(){2: named}
	use(keyed[i]) // want: func:named nil
	gs := []func(){named}
	gs[0] = nil
	use(gs[0]) // want: unknown
	hs := []func(){named}
	pass(hs)
	use(hs[0]) // want: unknown
	ks := []func(){named}
	_ = ks[:1]
	use(ks[0]) // want: unknown
	m := map[string]func(){"a": named}
	use(m["a"]) // want: unknown
}

func unreachable() {
	f := func() { tag("a") }
	f = named
	return
	use(f) // want: unknown
}

var literal = func() {
	f := named
	use(f) // want: func:named
}

func stable(s S, n int, c bool) {
	x := 1
	keep(x) // want: unchanged
	y := 1
	keep(y) // want: changed
	y = 2
	for i := 0; i < n; i++ {
		keep(i) // want: unchanged
	}
	z := 0
	for range n {
		z++
		keep(z) // want: changed
	}
	for range n {
		w := 0
		w++
		keep(w) // want: unchanged
	}
	keep(s) // want: changed
	s.run()
	keep(n) // want: unchanged
	var q int
	keep(q) // want: changed
	func() { q = 1 }()
	arr := [2]int{}
	keep(arr) // want: changed
	arr[0] = 1
	sl := []int{1}
	keep(sl) // want: unchanged
	sl[0] = 2
	keep(c)      // want: unchanged
	keep(global) // want: changed
	v := S{}
	v.value()
	keep(v) // want: unchanged
	v.set(2)
	u := S{}
	u.n = 1
	keep(u) // want: changed
	u.n = 2
}

func namedResult() (r int) {
	keep(r) // want: changed
	return 1
}

func capturedStable() {
	x := 1
	go func() {
		keep(x) // want: unchanged
	}()
	y := 1
	y = 2
	go func() {
		keep(y) // want: changed
	}()
}

func withGoto() {
	x := 1
	x = 2
	keep(x) // want: changed
	goto end
end:
}
