package unsetget

import (
	"iter"
	"math/bits"
	"slices"
	"strings"
)

// A varSet is a set of Vars, each named by the number the checker gave it
// (see checker.num), so that the analysis, which copies, joins and
// intersects sets at every step, does word operations instead of hashing
// VarIDs. A nil *varSet reads as empty; only a non-nil one can be added to.
type varSet struct {
	w []uint64
}

func newVarSet() *varSet { return new(varSet) }

func (s *varSet) has(i int) bool {
	if s == nil {
		return false
	}
	k := i >> 6
	return k < len(s.w) && s.w[k]&(1<<(uint(i)&63)) != 0
}

func (s *varSet) add(i int) {
	k := i >> 6
	if k >= len(s.w) {
		s.w = append(s.w, make([]uint64, k+1-len(s.w))...)
	}
	s.w[k] |= 1 << (uint(i) & 63)
}

func (s *varSet) remove(i int) {
	if k := i >> 6; k < len(s.w) {
		s.w[k] &^= 1 << (uint(i) & 63)
	}
}

func (s *varSet) addAll(t *varSet) {
	s.grow(t)
}

// grow adds t to s and reports whether s grew.
func (s *varSet) grow(t *varSet) bool {
	if t == nil {
		return false
	}
	if len(t.w) > len(s.w) {
		s.w = append(s.w, make([]uint64, len(t.w)-len(s.w))...)
	}
	grew := false
	for k, x := range t.w {
		if x&^s.w[k] != 0 {
			s.w[k] |= x
			grew = true
		}
	}
	return grew
}

// meet removes from s what t does not have and reports whether s changed.
func (s *varSet) meet(t *varSet) bool {
	var tw []uint64
	if t != nil {
		tw = t.w
	}
	changed := false
	for k, x := range s.w {
		var y uint64
		if k < len(tw) {
			y = tw[k]
		}
		if x&^y != 0 {
			s.w[k] = x & y
			changed = true
		}
	}
	return changed
}

func (s *varSet) clone() *varSet {
	if s == nil {
		return newVarSet()
	}
	return &varSet{w: slices.Clone(s.w)}
}

func (s *varSet) empty() bool {
	if s == nil {
		return true
	}
	for _, x := range s.w {
		if x != 0 {
			return false
		}
	}
	return true
}

func (s *varSet) equal(t *varSet) bool {
	var sw, tw []uint64
	if s != nil {
		sw = s.w
	}
	if t != nil {
		tw = t.w
	}
	for k := range max(len(sw), len(tw)) {
		var x, y uint64
		if k < len(sw) {
			x = sw[k]
		}
		if k < len(tw) {
			y = tw[k]
		}
		if x != y {
			return false
		}
	}
	return true
}

// all yields the numbers of the Vars in s, in increasing order.
func (s *varSet) all() iter.Seq[int] {
	return func(yield func(int) bool) {
		if s == nil {
			return
		}
		for k, x := range s.w {
			for x != 0 {
				i := bits.TrailingZeros64(x)
				if !yield(k<<6 | i) {
					return
				}
				x &= x - 1
			}
		}
	}
}

// num returns the number of the Var id, giving it one if it has none yet.
func (c *checker) num(id VarID) int {
	i, ok := c.varNum[id]
	if !ok {
		i = len(c.varIDs)
		c.varIDs = append(c.varIDs, id)
		c.varKeys = append(c.varKeys, "")
		c.varNum[id] = i
	}
	return i
}

// setOf returns the set of the Vars ids.
func (c *checker) setOf(ids []VarID) *varSet {
	s := newVarSet()
	for _, id := range ids {
		s.add(c.num(id))
	}
	return s
}

// sorted returns the Vars of s sorted by package path and name, as facts
// hold them.
func (c *checker) sorted(s *varSet) []VarID {
	var nums []int
	for i := range s.all() {
		nums = append(nums, i)
	}
	if len(nums) == 0 {
		return nil
	}
	for _, i := range nums {
		if c.varKeys[i] == "" {
			c.varKeys[i] = c.varIDs[i].key()
		}
	}
	slices.SortFunc(nums, func(a, b int) int {
		return strings.Compare(c.varKeys[a], c.varKeys[b])
	})
	ids := make([]VarID, len(nums))
	for j, i := range nums {
		ids[j] = c.varIDs[i]
	}
	return ids
}
