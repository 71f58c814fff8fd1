package ctxvar

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// A goroutine's own Context is updated in place while no snapshot shares its
// map, a Reset can restore a replaced map by pointer, and Tokens and Contexts
// come from batches: each of these takes a shortcut that is right only in
// some states. FuzzContextModel runs random sequences of Set, Reset (in any
// order), Copy, Spawn-like snapshots and Run on one goroutine against a model
// that copies plain Go maps, and checks every value, every snapshot and every
// token after each step.
func FuzzContextModel(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3, 42, 1234} {
		f.Add(seed, uint8(3), uint16(300))
	}
	f.Fuzz(func(t *testing.T, seed uint64, nvars uint8, steps uint16) {
		checkContextModel(t, seed, 1+int(nvars%12), int(steps%2000))
	})
}

// TestContextModel runs the model on a fixed set of seeds, with few and with
// many Vars (more than pmapSmallMax: the HAMT form).
func TestContextModel(t *testing.T) {
	for seed := range uint64(200) {
		checkContextModel(t, seed, 1+int(seed%12), 400)
	}
}

type modelToken struct {
	tok    *Token[int]
	v      int
	old    int
	had    bool
	frames int // the Run depth it was made at
}

type modelSnapshot struct {
	c    *Context
	want map[int]int
}

func checkContextModel(t *testing.T, seed uint64, nvars, steps int) {
	vars := make([]*Var[int], nvars)
	for i := range vars {
		vars[i] = New[int](fmt.Sprint("m", i))
	}
	done := make(chan struct{})
	go func() { // a bare goroutine: it starts empty
		defer close(done)
		rng := rand.New(rand.NewPCG(seed, 99))
		m := &contextModel{t: t, rng: rng, vars: vars, cur: map[int]int{}}
		m.run(steps, 0)
		// Reset what is left, newest first, and expect an empty Context.
		for len(m.toks) > 0 {
			m.reset(len(m.toks) - 1)
		}
		m.check("after resetting everything")
	}()
	<-done
}

type contextModel struct {
	t     *testing.T
	rng   *rand.Rand
	vars  []*Var[int]
	cur   map[int]int
	toks  []modelToken // outstanding tokens of the current Run depth
	snaps []modelSnapshot
	next  int
	log   []string
}

func (m *contextModel) fail(format string, args ...any) {
	m.t.Helper()
	tail := m.log
	if len(tail) > 20 {
		tail = tail[len(tail)-20:]
	}
	m.t.Fatalf("%s\nlast steps: %v", fmt.Sprintf(format, args...), tail)
}

func (m *contextModel) check(when string) {
	m.t.Helper()
	for i, v := range m.vars {
		got, ok := v.Lookup()
		want, wok := m.cur[i]
		if ok != wok || got != want {
			m.fail("%s: var %d = %d, %v; want %d, %v", when, i, got, ok, want, wok)
		}
	}
	for j, s := range m.snaps {
		if s.c.Len() != len(s.want) {
			m.fail("%s: snapshot %d has %d values, want %d", when, j, s.c.Len(), len(s.want))
		}
		for i, v := range m.vars {
			got, ok := ValueIn(s.c, v)
			want, wok := s.want[i]
			if ok != wok || got != want {
				m.fail("%s: snapshot %d: var %d = %d, %v; want %d, %v", when, j, i, got, ok, want, wok)
			}
		}
	}
}

func (m *contextModel) reset(j int) {
	mt := m.toks[j]
	m.vars[mt.v].Reset(mt.tok)
	if mt.had {
		m.cur[mt.v] = mt.old
	} else {
		delete(m.cur, mt.v)
	}
	m.toks = append(m.toks[:j], m.toks[j+1:]...)
	m.log = append(m.log, fmt.Sprintf("reset#%d(v%d)", j, mt.v))
}

func (m *contextModel) snapshot() map[int]int {
	c := make(map[int]int, len(m.cur))
	for k, v := range m.cur {
		c[k] = v
	}
	return c
}

// run does steps random operations at Run depth depth.
func (m *contextModel) run(steps, depth int) {
	for range steps {
		switch op := m.rng.IntN(20); {
		case op < 8: // Set
			i := m.rng.IntN(len(m.vars))
			m.next++
			old, had := m.cur[i]
			tok := m.vars[i].Set(m.next)
			if o, h := tok.OldValue(); h != had || h && o != old {
				m.fail("Set of var %d: token's old value %d, %v; want %d, %v", i, o, h, old, had)
			}
			m.toks = append(m.toks, modelToken{tok, i, old, had, depth})
			m.cur[i] = m.next
			m.log = append(m.log, fmt.Sprintf("set(v%d=%d)", i, m.next))
		case op < 14 && len(m.toks) > 0: // Reset, newest first mostly
			j := len(m.toks) - 1
			if m.rng.IntN(3) == 0 {
				j = m.rng.IntN(len(m.toks))
			}
			m.reset(j)
		case op < 16: // Copy, kept and checked to the end
			m.snaps = append(m.snaps, modelSnapshot{Copy(), m.snapshot()})
			m.log = append(m.log, "copy")
		case op < 17: // what Spawn and Bind take
			d := currentData()
			c := new(Context)
			c.data.init(d)
			m.snaps = append(m.snaps, modelSnapshot{c, m.snapshot()})
			m.log = append(m.log, "snapshot")
		case op < 18 && depth < 3: // Run of a copy, with its own Sets
			c := Copy()
			saved, savedToks := m.cur, m.toks
			m.cur, m.toks = m.snapshot(), nil
			m.log = append(m.log, "run{")
			c.Run(func() { m.run(m.rng.IntN(30), depth+1) })
			m.snaps = append(m.snaps, modelSnapshot{c, m.cur})
			m.cur, m.toks = saved, savedToks
			m.log = append(m.log, "}")
		default:
			m.check("mid-sequence")
		}
	}
	m.check("end of a run")
}
