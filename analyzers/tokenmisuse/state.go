package tokenmisuse

import (
	"encoding/binary"
	"go/ast"
	"go/token"
	"slices"
)

// A val is what the engine knows a token-typed value to be: unknown, nil,
// or one of the tokens of the state (toks[v-1]).
type val int32

const (
	vUnknown val = 0
	vNil     val = -1
)

// A status tells whether a token has restored its Var.
type status uint8

const (
	live   status = iota // not reset yet
	used                 // reset
	unsure               // reset, or not: another goroutine may have reset it
)

// A rec is a token that a Set made on the path the state stands for.
// Records are kept in the order of their Sets.
type rec struct {
	site    token.Pos // the Set, or the call of a MakesToken function, that made it
	key     int32     // the Var it restores, or 0 when unknown
	ctx     int32     // the Context of its Set
	status  status
	escaped bool // it left the variables the engine follows: no finding names it
	param   int8 // in a summary, 1 + the index of the parameter that holds it

	usedAt       token.Pos // the Reset that used it
	usedDeferred bool      // that Reset was deferred
	usedKey      int32     // the key of the Var whose Reset used it
	usedOutside  bool      // it was reset in another Context than the function's (summaries)

	// stale lists the Resets of earlier tokens of the same Var that ran
	// while this token was live: its own Reset then restores a stale
	// value.
	stale []staleMark
}

// A staleMark is the Reset of an earlier token of a Var, which ran while a
// later token of the Var was live.
type staleMark struct {
	reset    token.Pos // the Reset
	site     token.Pos // the earlier token's Set
	deferred bool      // the Reset was deferred
}

// A deferred is a call that a defer statement has scheduled.
type deferred struct {
	stmt *ast.DeferStmt
	key  int32 // for a Reset: the key of its receiver
	vals []val // the token arguments, as evaluated at the defer statement
}

// A frame holds the deferred calls of one running body, and the Context to
// return to when it returns.
type frame struct {
	defers  []deferred
	prevCtx int32
}

// A state is what the engine knows at one point of one path: the values
// of the token variables, the tokens made so far, the deferred calls, the
// current Context and the known conditions.
type state struct {
	vars   []val
	toks   []rec
	frames []frame
	ctx    int32
	atoms  []int8 // per atom variable: 0 unknown, 1 false, 2 true (for a variable compared with nil: whether it is non-nil)
	ret    val    // summaries: the token the function returns
	dead   bool   // the path ended in a panic
}

func (s *state) clone() *state {
	n := &state{
		vars:   slices.Clone(s.vars),
		toks:   slices.Clone(s.toks),
		frames: slices.Clone(s.frames),
		ctx:    s.ctx,
		atoms:  slices.Clone(s.atoms),
		ret:    s.ret,
		dead:   s.dead,
	}
	for i := range n.frames {
		n.frames[i].defers = slices.Clone(n.frames[i].defers)
	}
	return n
}

func (s *state) tok(v val) *rec {
	if v <= 0 || int(v) > len(s.toks) {
		return nil
	}
	return &s.toks[v-1]
}

func (s *state) escape(v val) {
	if r := s.tok(v); r != nil {
		r.escaped = true
	}
}

// compact drops the tokens that nothing refers to any more and renumbers
// the others, keeping their order, so that equal states have equal keys.
func (s *state) compact() {
	if len(s.toks) == 0 {
		return
	}
	keep := make([]bool, len(s.toks))
	mark := func(v val) {
		if v > 0 && int(v) <= len(s.toks) {
			keep[v-1] = true
		}
	}
	for _, v := range s.vars {
		mark(v)
	}
	for _, f := range s.frames {
		for _, d := range f.defers {
			for _, v := range d.vals {
				mark(v)
			}
		}
	}
	mark(s.ret)
	for i, r := range s.toks {
		if r.param != 0 {
			keep[i] = true
		}
	}
	if !slices.Contains(keep, false) {
		return
	}
	renum := make([]val, len(s.toks))
	var toks []rec
	for i, r := range s.toks {
		if keep[i] {
			toks = append(toks, r)
			renum[i] = val(len(toks))
		}
	}
	re := func(v val) val {
		if v > 0 {
			return renum[v-1]
		}
		return v
	}
	for i, v := range s.vars {
		s.vars[i] = re(v)
	}
	for i := range s.frames {
		for j := range s.frames[i].defers {
			d := &s.frames[i].defers[j]
			vals := slices.Clone(d.vals)
			for k, v := range vals {
				vals[k] = re(v)
			}
			d.vals = vals
		}
	}
	s.ret = re(s.ret)
	s.toks = toks
}

// key encodes the state, after compact, for comparisons.
func (s *state) key() string {
	b := make([]byte, 0, 64)
	put := func(x int64) { b = binary.AppendVarint(b, x) }
	put(int64(s.ctx))
	put(int64(s.ret))
	put(int64(len(s.vars)))
	for _, v := range s.vars {
		put(int64(v))
	}
	put(int64(len(s.toks)))
	for _, r := range s.toks {
		put(int64(r.site))
		put(int64(r.key))
		put(int64(r.ctx))
		put(int64(r.status))
		put(int64(b2i(r.escaped)))
		put(int64(r.param))
		put(int64(r.usedAt))
		put(int64(b2i(r.usedDeferred)))
		put(int64(r.usedKey))
		put(int64(b2i(r.usedOutside)))
		put(int64(len(r.stale)))
		for _, m := range r.stale {
			put(int64(m.reset))
			put(int64(m.site))
			put(int64(b2i(m.deferred)))
		}
	}
	put(int64(len(s.frames)))
	for _, f := range s.frames {
		put(int64(f.prevCtx))
		put(int64(len(f.defers)))
		for _, d := range f.defers {
			put(int64(d.stmt.Pos()))
			put(int64(d.key))
			put(int64(len(d.vals)))
			for _, v := range d.vals {
				put(int64(v))
			}
		}
	}
	b = append(b, byte(len(s.atoms)))
	for _, a := range s.atoms {
		b = append(b, byte(a))
	}
	return string(b)
}
