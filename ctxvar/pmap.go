package ctxvar

import (
	"math/bits"
	"unsafe"
)

// pmap is the immutable map from Var identity to value that backs a Context.
//
// Copying a Context copies one *pmap, and every update returns a new *pmap
// that shares whatever it did not change with the old one, so old versions
// stay valid for as long as anyone holds them. A nil *pmap is the empty map.
//
// One struct type serves three roles, distinguished by bitmap:
//
//   - bitmap == 0: a flat map of at most pmapSmallMax entries, scanned
//     linearly by key pointer. Almost every real Context holds a handful of
//     Vars, and for those a short scan of pointer compares beats any hashing.
//   - bitmap != 0, the root: a HAMT (see pmap_hamt.go), used above
//     pmapSmallMax entries.
//   - bitmap != 0, below the root: an interior HAMT node.
//
// Sharing the layout lets one allocator (newPmapNode) hand out the header and
// its slot array as a single object for the flat map and for every HAMT
// node, which halves allocations on every update.
type pmap struct {
	// bitmap is zero for a flat map. In a HAMT node, bit i is set when
	// position i (the next 5 bits of the hash) is occupied, and the
	// occupied positions are stored densely, in order, in slots.
	bitmap uint32
	// n counts the entries in the map, or in the subtree for an interior
	// HAMT node. The subtree count lets remove decide locally when a node
	// shrinks to a single entry that must be hoisted into its parent.
	n int32
	// ptr is the first of the node's slots: n of them in a flat map, one
	// per bit of bitmap in a HAMT node. The header is 16 bytes, so a
	// one-entry map is 40, which keeps a goroutine's state, which embeds
	// one, within 96 bytes. The capacity of a flat map's array is not
	// kept: only a goroutine's own Context updates a map in place, and
	// its state remembers it (see setInPlace).
	ptr *pmapSlot
}

// slots returns the node's slots.
func (m *pmap) slots() []pmapSlot {
	n := int(m.n)
	if m.bitmap != 0 {
		n = bits.OnesCount32(m.bitmap)
	}
	return unsafe.Slice(m.ptr, n)
}

// pmapSlot is one entry of a flat map, or one occupied position of a HAMT
// node: either an entry (k != nil) or a child node (k == nil, v holds the
// *pmap). Keeping children in v rather than in a third field keeps a slot
// at 3 words, so the flat scan touches fewer cache lines.
type pmapSlot struct {
	k *varCore
	v any
}

// pmapSmallMax is the largest map kept in flat form; one more entry turns it
// into a HAMT, and removing back down to pmapSmallMax flattens it again.
// There is no hysteresis because none is needed: crossing the boundary in
// either direction costs one or two allocations, like any other update.
//
// Measured on a 2-core AMD EPYC VM, flat against HAMT form of the same
// keys (best of many interleaved runs, hits cycling over all keys, about
// 0.6 ns of loop overhead included):
//
//	n      hit flat  hit HAMT  miss flat  miss HAMT
//	4      2.5 ns    3.1 ns    2.9 ns     2.1 ns
//	8      2.9 ns    3.3 ns    3.7 ns     2.7 ns
//	12     3.4 ns    3.0 ns    4.9 ns     2.1 ns
//	16     3.9 ns    3.4 ns    6.1 ns     2.6 ns
//
// Hits, the common case, favour the flat form up to 8; beyond that the
// scan loses on hits as well as misses. Updates cost about the same in
// either form at these sizes (one allocation of n slots, as the HAMT root
// holds nearly every entry), but the flat form never needs a second node
// for keys that share their first 5 hash bits.
const pmapSmallMax = 8

// lookup returns the value stored for k. It is the hot path of Var.Get.
//
// It is not inlinable, and cannot be made so without contortions: the
// inliner's budget is 80, a call to a non-inlined function alone costs 57,
// and the HAMT walk costs about 70 when inlined instead, so no lookup that
// handles both forms fits (the flat scan by itself would cost about 20).
// What it can do is test the flat form first and keep it to a handful of
// instructions; the HAMT walk is inlined into it, saving a second call on
// large maps.
func (m *pmap) lookup(k *varCore) (any, bool) {
	if m == nil {
		return nil, false
	}
	if m.bitmap != 0 {
		return m.hamtLookup(k)
	}
	for i, sl := 0, unsafe.Slice(m.ptr, m.n); i < len(sl); i++ {
		if sl[i].k == k {
			return sl[i].v, true
		}
	}
	return nil, false
}

// set returns a map that holds v for k and is otherwise equal to m.
func (m *pmap) set(k *varCore, v any) *pmap {
	if m == nil {
		nm := newPmapNode(1)
		nm.n = 1
		nm.slots()[0] = pmapSlot{k, v}
		return nm
	}
	if m.bitmap != 0 {
		nm, _ := m.hamtSet(k, v, 0)
		return nm
	}
	for i, sl := range m.slots() {
		if sl.k == k {
			nm := m.clone()
			nm.slots()[i].v = v
			return nm
		}
	}
	n := int(m.n)
	if n < pmapSmallMax {
		nm := newPmapNode(n + 1)
		nm.n = int32(n + 1)
		copy(nm.slots(), m.slots())
		nm.slots()[n] = pmapSlot{k, v}
		return nm
	}
	// Growing into a HAMT. The scratch array stays on the stack, as
	// pmapBuild only reads it.
	var all [pmapSmallMax + 1]pmapSlot
	copy(all[:], m.slots())
	all[n] = pmapSlot{k, v}
	return pmapBuild(all[:], 0)
}

// setInto makes nd, an empty node with room for the result (n slots), the
// flat map m with v set for k.
func (m *pmap) setInto(nd *pmap, n int, k *varCore, v any) {
	sl := unsafe.Slice(nd.ptr, n)
	n = copy(sl, m.slots())
	for i := range sl[:n] {
		if sl[i].k == k {
			nd.n = int32(n)
			sl[i].v = v
			return
		}
	}
	nd.n = int32(n + 1)
	sl[n] = pmapSlot{k, v}
}

// remove returns a map without k: nil when that leaves it empty, and m itself
// (without allocating) when k is absent, so callers can detect a no-op by
// pointer comparison.
func (m *pmap) remove(k *varCore) *pmap {
	if m == nil {
		return nil
	}
	if m.bitmap != 0 {
		return m.hamtRemoveRoot(k)
	}
	for i, sl := range m.slots() {
		if sl.k == k {
			n := int(m.n)
			if n == 1 {
				return nil
			}
			nm := newPmapNode(n - 1)
			nm.n = int32(n - 1)
			copy(nm.slots(), m.slots()[:i])
			copy(nm.slots()[i:], m.slots()[i+1:])
			return nm
		}
	}
	return m
}

// setInPlace sets k to v in m itself and reports whether it could: m must be
// a flat map with room for k in its array of capacity slots. Only a map that
// nothing else can see may be changed: a goroutine's own Context that no
// snapshot shares (see gstate.owned).
func (m *pmap) setInPlace(k *varCore, v any, capacity int) bool {
	if m == nil || m.bitmap != 0 {
		return false
	}
	sl := m.slots()
	for i := range sl {
		if sl[i].k == k {
			sl[i].v = v
			return true
		}
	}
	if len(sl) >= capacity || len(sl) == pmapSmallMax {
		return false
	}
	unsafe.Slice(m.ptr, len(sl)+1)[len(sl)] = pmapSlot{k, v}
	m.n++
	return true
}

// swapInPlace is setInPlace that also returns k's old value and whether it
// had one; ok reports whether it could update m.
func (m *pmap) swapInPlace(k *varCore, v any, capacity int) (old any, had, ok bool) {
	if m == nil || m.bitmap != 0 {
		return nil, false, false
	}
	sl := unsafe.Slice(m.ptr, m.n)
	for i := range sl {
		if sl[i].k == k {
			old, sl[i].v = sl[i].v, v
			return old, true, true
		}
	}
	if len(sl) >= capacity || len(sl) == pmapSmallMax {
		return nil, false, false
	}
	unsafe.Slice(m.ptr, len(sl)+1)[len(sl)] = pmapSlot{k, v}
	m.n++
	return nil, false, true
}

// removeInPlace removes k from m itself and reports whether it could: m must
// be a flat map. It keeps the node, and its room, even when it empties, so
// that a goroutine that sets and resets in turn allocates nothing for the map.
// The same rule as setInPlace applies.
func (m *pmap) removeInPlace(k *varCore) bool {
	if m == nil || m.bitmap != 0 {
		return false
	}
	sl := m.slots()
	for i := range sl {
		if sl[i].k == k {
			last := len(sl) - 1
			copy(sl[i:], sl[i+1:])
			sl[last] = pmapSlot{} // drop the references
			m.n--
			return true
		}
	}
	return true
}

// len returns the number of entries.
func (m *pmap) len() int {
	if m == nil {
		return 0
	}
	return int(m.n)
}

// each calls fn once for every entry, in no particular order (the order is
// deterministic for a given map, but callers must not rely on it).
func (m *pmap) each(fn func(k *varCore, v any)) {
	if m == nil {
		return
	}
	for _, s := range m.slots() {
		if s.k != nil {
			fn(s.k, s.v)
		} else {
			s.v.(*pmap).each(fn)
		}
	}
}

// clone returns a copy of the node m (a shallow copy: children are shared).
func (m *pmap) clone() *pmap {
	nm := newPmapNode(len(m.slots()))
	nm.bitmap = m.bitmap
	nm.n = m.n
	copy(nm.slots(), m.slots())
	return nm
}

// pmapSized places a pmap header and its slot array in one allocation; A is
// an array type [N]pmapSlot. The header's ptr points into the same
// object, which is fine for the garbage collector: any pointer into an
// object keeps all of it alive.
type pmapSized[A any] struct {
	m pmap
	a A
}

// newPmapNode returns a zeroed node with n slots, in a single allocation.
// The Go compiler cannot size an array from a run-time value without a
// separate make, hence one instantiation per possible size; a HAMT node has
// at most 32 slots and a flat map at most pmapSmallMax.
func newPmapNode(n int) *pmap {
	switch n {
	case 1:
		return sizedNode[[1]pmapSlot]()
	case 2:
		return sizedNode[[2]pmapSlot]()
	case 3:
		return sizedNode[[3]pmapSlot]()
	case 4:
		return sizedNode[[4]pmapSlot]()
	case 5:
		return sizedNode[[5]pmapSlot]()
	case 6:
		return sizedNode[[6]pmapSlot]()
	case 7:
		return sizedNode[[7]pmapSlot]()
	case 8:
		return sizedNode[[8]pmapSlot]()
	case 9:
		return sizedNode[[9]pmapSlot]()
	case 10:
		return sizedNode[[10]pmapSlot]()
	case 11:
		return sizedNode[[11]pmapSlot]()
	case 12:
		return sizedNode[[12]pmapSlot]()
	case 13:
		return sizedNode[[13]pmapSlot]()
	case 14:
		return sizedNode[[14]pmapSlot]()
	case 15:
		return sizedNode[[15]pmapSlot]()
	case 16:
		return sizedNode[[16]pmapSlot]()
	case 17:
		return sizedNode[[17]pmapSlot]()
	case 18:
		return sizedNode[[18]pmapSlot]()
	case 19:
		return sizedNode[[19]pmapSlot]()
	case 20:
		return sizedNode[[20]pmapSlot]()
	case 21:
		return sizedNode[[21]pmapSlot]()
	case 22:
		return sizedNode[[22]pmapSlot]()
	case 23:
		return sizedNode[[23]pmapSlot]()
	case 24:
		return sizedNode[[24]pmapSlot]()
	case 25:
		return sizedNode[[25]pmapSlot]()
	case 26:
		return sizedNode[[26]pmapSlot]()
	case 27:
		return sizedNode[[27]pmapSlot]()
	case 28:
		return sizedNode[[28]pmapSlot]()
	case 29:
		return sizedNode[[29]pmapSlot]()
	case 30:
		return sizedNode[[30]pmapSlot]()
	case 31:
		return sizedNode[[31]pmapSlot]()
	case 32:
		return sizedNode[[32]pmapSlot]()
	}
	panic("ctxvar: pmap node size out of range")
}

// sizedNode allocates a node whose slots are the array A, an array of
// pmapSlot, in the same object.
func sizedNode[A any]() *pmap {
	return new(pmapSized[A]).node()
}

// node makes p's slots its array and returns its map, empty.
func (p *pmapSized[A]) node() *pmap {
	p.m.ptr = (*pmapSlot)(unsafe.Pointer(&p.a))
	return &p.m
}
