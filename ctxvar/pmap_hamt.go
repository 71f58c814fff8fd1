package ctxvar

import "math/bits"

// The large form of pmap is a hash array mapped trie. Each node consumes
// pmapBits bits of the key's hash, lowest bits first, and stores only its
// occupied positions (see pmap.bitmap). Updates copy the path from the root
// to the changed slot and share everything else.
//
// Var hashes are distinct 64-bit values, so two keys never need to be told
// apart beyond the last level: 12 levels of 5 bits use 60 bits, and the
// 13th (shift 60) sees the remaining 4, where any two distinct hashes that
// got that far must differ. There are no collision nodes.
//
// The trie is kept canonical, so its shape depends only on the set of keys:
// an interior node always holds at least two entries in its subtree (a
// lone entry is stored in its parent's slot instead), and the root is only
// a HAMT while the map has more than pmapSmallMax entries. This keeps paths
// as short as possible after removals.

const (
	pmapBits = 5
	pmapMask = 1<<pmapBits - 1
	// pmapMaxShift is the shift of the deepest level that can exist.
	pmapMaxShift = 60
)

// hamtLookup walks down from the HAMT node m; one step per level, no
// recursion, so the whole walk stays in registers.
func (m *pmap) hamtLookup(k *varCore) (any, bool) {
	nd, h := m, k.hash
	for {
		bit := uint32(1) << (h & pmapMask)
		if nd.bitmap&bit == 0 {
			return nil, false
		}
		s := &nd.slots()[bits.OnesCount32(nd.bitmap&(bit-1))]
		if s.k == k {
			return s.v, true
		}
		if s.k != nil {
			return nil, false
		}
		nd = s.v.(*pmap)
		// Shifting the hash as we go, rather than shifting by a growing
		// amount, also does the right thing at the last level: 4 bits
		// remain, so the position is at most 15.
		h >>= pmapBits
	}
}

// hamtSet returns the HAMT node m, at the level that uses the hash bits from
// shift on, with k set to v, and whether k was newly added.
func (m *pmap) hamtSet(k *varCore, v any, shift uint) (*pmap, bool) {
	bit := uint32(1) << (k.hash >> shift & pmapMask)
	pos := bits.OnesCount32(m.bitmap & (bit - 1))
	if m.bitmap&bit == 0 {
		nm := newPmapNode(len(m.slots()) + 1)
		nm.bitmap = m.bitmap | bit
		nm.n = m.n + 1
		copy(nm.slots(), m.slots()[:pos])
		nm.slots()[pos] = pmapSlot{k, v}
		copy(nm.slots()[pos+1:], m.slots()[pos:])
		return nm, true
	}
	s := m.slots()[pos]
	var repl pmapSlot
	added := true
	switch {
	case s.k == k:
		repl, added = pmapSlot{k, v}, false
	case s.k == nil:
		var child *pmap
		child, added = s.v.(*pmap).hamtSet(k, v, shift+pmapBits)
		repl = pmapSlot{v: child}
	default:
		// Another key owns this position: push both down into a new
		// subtree that tells them apart.
		pair := [2]pmapSlot{s, {k, v}}
		repl = pmapSlot{v: pmapBuild(pair[:], shift+pmapBits)}
	}
	nm := m.clone()
	nm.slots()[pos] = repl
	if added {
		nm.n++
	}
	return nm, added
}

// hamtRemoveRoot implements remove for a map in HAMT form.
func (m *pmap) hamtRemoveRoot(k *varCore) *pmap {
	if m.n > pmapSmallMax+1 {
		repl, ok := m.hamtRemove(k, 0)
		if !ok {
			return m
		}
		// With more than one entry left, hamtRemove always returns a node.
		return repl.v.(*pmap)
	}
	// Back down to pmapSmallMax entries: flatten, in one allocation,
	// instead of path copying.
	if _, ok := m.hamtLookup(k); !ok {
		return m
	}
	nm := newPmapNode(int(m.n) - 1)
	nm.n = m.n - 1
	if i := m.hamtFlatten(nm.slots(), 0, k); i != len(nm.slots()) {
		panic("ctxvar: pmap entry count out of sync")
	}
	return nm
}

// hamtRemove removes k from the subtree rooted at the HAMT node m and
// returns what should take m's place in its parent's slot: a new node, or,
// when a single entry survives, that entry itself, which keeps the trie
// canonical without allocating a one-entry node only to take it apart
// again. ok is false, and nothing is allocated, when k is absent.
func (m *pmap) hamtRemove(k *varCore, shift uint) (repl pmapSlot, ok bool) {
	bit := uint32(1) << (k.hash >> shift & pmapMask)
	if m.bitmap&bit == 0 {
		return pmapSlot{}, false
	}
	pos := bits.OnesCount32(m.bitmap & (bit - 1))
	s := m.slots()[pos]
	switch {
	case s.k == k:
		if m.n == 2 {
			// Canonical form says a 2-entry subtree holds both
			// entries directly, so the survivor is the other slot.
			return m.slots()[1-pos], true
		}
		nm := newPmapNode(len(m.slots()) - 1)
		nm.bitmap = m.bitmap &^ bit
		nm.n = m.n - 1
		copy(nm.slots(), m.slots()[:pos])
		copy(nm.slots()[pos:], m.slots()[pos+1:])
		return pmapSlot{v: nm}, true
	case s.k != nil:
		return pmapSlot{}, false
	}
	child, ok := s.v.(*pmap).hamtRemove(k, shift+pmapBits)
	if !ok {
		return pmapSlot{}, false
	}
	if m.n == 2 {
		// m held nothing but that child, whose last entry moves up.
		return child, true
	}
	nm := m.clone()
	nm.n--
	nm.slots()[pos] = child
	return pmapSlot{v: nm}, true
}

// hamtFlatten copies the entries of the subtree m, except skip, into dst
// starting at index i, and returns the index after the last one written.
func (m *pmap) hamtFlatten(dst []pmapSlot, i int, skip *varCore) int {
	for _, s := range m.slots() {
		switch {
		case s.k == nil:
			i = s.v.(*pmap).hamtFlatten(dst, i, skip)
		case s.k != skip:
			dst[i] = s
			i++
		}
	}
	return i
}

// pmapBuild returns a canonical HAMT node, at the level that uses the hash
// bits from shift on, holding the entries es: at least two and at most
// pmapSmallMax+1 (a flat map growing, or two keys being split apart), with
// distinct hashes that agree below shift.
//
// Each entry is written once, straight into its final slot, and es is never
// sorted or partitioned in place: es is reached through a slice, so the
// compiler cannot tell that it lives on the caller's stack, and every swap
// would run write barriers while the collector is marking. (Sorting first
// made growing out of the flat form cost twice as much as copying it.)
func pmapBuild(es []pmapSlot, shift uint) *pmap {
	if shift > pmapMaxShift {
		// Only reachable if two keys share a 64-bit hash, which
		// makeVarCore rules out.
		panic("ctxvar: two Vars share a hash")
	}
	pos := func(s *pmapSlot) uint64 { return s.k.hash >> shift & pmapMask }
	// bitmap marks the occupied positions; shared, those holding more
	// than one entry, which become child nodes.
	var bitmap, shared uint32
	for i := range es {
		bit := uint32(1) << pos(&es[i])
		shared |= bitmap & bit
		bitmap |= bit
	}
	nm := newPmapNode(bits.OnesCount32(bitmap))
	nm.bitmap = bitmap
	nm.n = int32(len(es))
	for i := range es {
		if bit := uint32(1) << pos(&es[i]); shared&bit == 0 {
			nm.slots()[bits.OnesCount32(bitmap&(bit-1))] = es[i]
		}
	}
	// group is declared outside the loop on purpose: declared inside,
	// escape analysis moves it to the heap (it flows into the recursive
	// call once per iteration), costing an allocation per child.
	var group [pmapSmallMax + 1]pmapSlot
	for shared != 0 {
		p := uint64(bits.TrailingZeros32(shared))
		shared &= shared - 1
		n := 0
		for i := range es {
			if pos(&es[i]) == p {
				group[n] = es[i]
				n++
			}
		}
		child := pmapBuild(group[:n], shift+pmapBits)
		nm.slots()[bits.OnesCount32(bitmap&(1<<p-1))] = pmapSlot{v: child}
	}
	return nm
}
