package unsetget

import (
	"go/types"
	"slices"
	"testing"
)

func setOfNums(nums ...int) *varSet {
	s := newVarSet()
	for _, i := range nums {
		s.add(i)
	}
	return s
}

func members(s *varSet) []int {
	return slices.Collect(s.all())
}

func TestVarSetAddRemove(t *testing.T) {
	s := setOfNums(0, 63, 64, 200)
	for _, i := range []int{0, 63, 64, 200} {
		if !s.has(i) {
			t.Errorf("has(%d) = false after add", i)
		}
	}
	for _, i := range []int{1, 62, 65, 199, 201, 1000} {
		if s.has(i) {
			t.Errorf("has(%d) = true, never added", i)
		}
	}
	s.remove(64)
	s.remove(5000) // beyond the words held: nothing to do
	if got, want := members(s), []int{0, 63, 200}; !slices.Equal(got, want) {
		t.Errorf("members after remove = %v, want %v", got, want)
	}
}

func TestVarSetNil(t *testing.T) {
	var s *varSet
	if s.has(3) || !s.empty() || len(members(s)) != 0 {
		t.Error("a nil set must read as empty")
	}
	if !s.equal(newVarSet()) || !newVarSet().equal(s) {
		t.Error("a nil set must equal an empty one")
	}
	c := s.clone()
	c.add(1)
	if !c.has(1) {
		t.Error("the clone of a nil set must be a set that can be added to")
	}
	if setOfNums(1).grow(nil) {
		t.Error("growing by nil reported growth")
	}
}

func TestVarSetGrow(t *testing.T) {
	s := setOfNums(1, 70)
	if !s.grow(setOfNums(70, 130)) {
		t.Error("grow by a set with a new member reported no growth")
	}
	if got, want := members(s), []int{1, 70, 130}; !slices.Equal(got, want) {
		t.Errorf("members after grow = %v, want %v", got, want)
	}
	if s.grow(setOfNums(1, 130)) {
		t.Error("grow by a subset reported growth")
	}
}

func TestVarSetMeet(t *testing.T) {
	for _, tc := range []struct {
		s, t    []int
		want    []int
		changed bool
	}{
		{[]int{1, 2, 100}, []int{1, 2, 100, 300}, []int{1, 2, 100}, false},
		{[]int{1, 2, 100}, []int{2}, []int{2}, true}, // t has fewer words
		{[]int{1, 130}, []int{1, 64, 130, 500}, []int{1, 130}, false},
		{[]int{5}, nil, nil, true},
		{nil, []int{5}, nil, false},
	} {
		s := setOfNums(tc.s...)
		changed := s.meet(setOfNums(tc.t...))
		if got := members(s); !slices.Equal(got, tc.want) || changed != tc.changed {
			t.Errorf("%v meet %v = %v, changed %v; want %v, changed %v", tc.s, tc.t, got, changed, tc.want, tc.changed)
		}
	}
}

func TestVarSetEqualClone(t *testing.T) {
	a := setOfNums(3, 90)
	b := setOfNums(3, 90, 200)
	b.remove(200) // b now holds a zero word that a lacks
	if !a.equal(b) || !b.equal(a) {
		t.Error("sets with the same members in words of different lengths must be equal")
	}
	c := a.clone()
	c.add(4)
	if a.has(4) {
		t.Error("adding to a clone changed the original")
	}
	if a.equal(c) {
		t.Error("sets with different members compared equal")
	}
}

func TestStateCloneMeet(t *testing.T) {
	f := &flow{bodyInfo: &bodyInfo{nlocal: 70, ctxNum: map[*types.Var]int{nil: 0}}}
	s := f.newState()
	s.vars.add(2)
	s.putLocal(0, true)
	s.putLocal(69, true)
	s.ctx[0].add(9)

	c := s.clone()
	c.vars.add(100) // may reallocate: must not touch s
	c.putLocal(1, true)
	c.ctx[0].add(10)
	if s.vars.has(100) || s.hasLocal(1) || s.ctx[0].has(10) {
		t.Fatal("changing a clone changed the original")
	}
	if !c.hasLocal(0) || !c.hasLocal(69) || !c.vars.has(2) || !c.ctx[0].has(9) {
		t.Fatal("a clone lost facts of the original")
	}

	c.putLocal(69, false)
	if !s.meet(c) {
		t.Error("meet with a state lacking a fact reported no change")
	}
	if s.hasLocal(69) || !s.hasLocal(0) || !s.vars.has(2) || !s.ctx[0].has(9) {
		t.Error("meet must keep exactly the facts both hold")
	}
	if s.meet(c) {
		t.Error("a second meet with the same state reported a change")
	}
}
