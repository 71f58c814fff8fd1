package ctxvar

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// pmapTestKeys returns n fresh keys with real (newVarCore) hashes.
// newVarCore returns a fresh key, as New makes for each Var.
func newVarCore(name string) *varCore {
	c := makeVarCore(name)
	return &c
}

func pmapTestKeys(n int) []*varCore {
	ks := make([]*varCore, n)
	for i := range ks {
		ks[i] = newVarCore(fmt.Sprint("k", i))
	}
	return ks
}

// pmapHashedKey returns a key with a chosen hash, to steer keys into deep or
// crowded parts of the trie. Chosen hashes could in principle equal a real
// one; the tests that use them never mix them with newVarCore keys.
func pmapHashedKey(h uint64) *varCore {
	return &varCore{name: fmt.Sprintf("h%#x", h), hash: h}
}

// pmapBuildFrom sets ks[i] to i for every key, in order.
func pmapBuildFrom(ks []*varCore) (*pmap, map[*varCore]any) {
	var m *pmap
	want := make(map[*varCore]any, len(ks))
	for i, k := range ks {
		m = m.set(k, i)
		want[k] = i
	}
	return m, want
}

// pmapCheckEqual fails unless m holds exactly the entries of want, checked
// through every read path: len, lookup and each.
func pmapCheckEqual(tb testing.TB, m *pmap, want map[*varCore]any) {
	tb.Helper()
	if got := m.len(); got != len(want) {
		tb.Fatalf("len() = %d, want %d", got, len(want))
	}
	for k, v := range want {
		got, ok := m.lookup(k)
		if !ok || got != v {
			tb.Fatalf("lookup(%s) = %v, %v; want %v, true", k.name, got, ok, v)
		}
	}
	seen := make(map[*varCore]bool, len(want))
	m.each(func(k *varCore, v any) {
		if seen[k] {
			tb.Fatalf("each visited %s twice", k.name)
		}
		seen[k] = true
		if wv, ok := want[k]; !ok || wv != v {
			tb.Fatalf("each visited %s=%v; want %v (present %v)", k.name, v, wv, ok)
		}
	})
	if len(seen) != len(want) {
		tb.Fatalf("each visited %d entries, want %d", len(seen), len(want))
	}
	pmapCheckInvariants(tb, m)
}

// pmapCheckInvariants fails unless m is well formed: flat exactly when it
// has at most pmapSmallMax entries, every node's count and bitmap agree
// with its slots, every entry sits at the position its hash dictates, and
// the trie is canonical (no interior node whose subtree is a lone entry).
func pmapCheckInvariants(tb testing.TB, m *pmap) {
	tb.Helper()
	if m == nil {
		return
	}
	if m.bitmap == 0 {
		if len(m.slots()) == 0 || len(m.slots()) > pmapSmallMax || int(m.n) != len(m.slots()) {
			tb.Fatalf("flat map with %d slots and n=%d", len(m.slots()), m.n)
		}
		seen := make(map[*varCore]bool)
		for _, s := range m.slots() {
			if s.k == nil || seen[s.k] {
				tb.Fatalf("flat map has a nil or duplicate key")
			}
			seen[s.k] = true
		}
		return
	}
	if m.n <= pmapSmallMax {
		tb.Fatalf("HAMT root with only %d entries; should be flat", m.n)
	}
	var check func(nd *pmap, shift uint, prefix uint64) int
	check = func(nd *pmap, shift uint, prefix uint64) int {
		if shift > pmapMaxShift {
			tb.Fatalf("HAMT node at shift %d", shift)
		}
		if nd.bitmap == 0 || bits.OnesCount32(nd.bitmap) != len(nd.slots()) {
			tb.Fatalf("bitmap %#x does not match %d slots", nd.bitmap, len(nd.slots()))
		}
		total, j := 0, 0
		for p := range uint64(32) {
			if nd.bitmap&(1<<p) == 0 {
				continue
			}
			s := nd.slots()[j]
			j++
			if s.k != nil {
				if s.k.hash&(1<<shift-1) != prefix || s.k.hash>>shift&pmapMask != p {
					tb.Fatalf("key %s (hash %#x) at shift %d position %d", s.k.name, s.k.hash, shift, p)
				}
				total++
				continue
			}
			child, ok := s.v.(*pmap)
			if !ok || child == nil {
				tb.Fatalf("slot with nil key holds %T, not a child node", s.v)
			}
			cn := check(child, shift+pmapBits, prefix|p<<shift)
			if cn < 2 {
				tb.Fatalf("interior node at shift %d holds %d entries; not canonical", shift+pmapBits, cn)
			}
			total += cn
		}
		if total != int(nd.n) {
			tb.Fatalf("node at shift %d has n=%d but holds %d entries", shift, nd.n, total)
		}
		return total
	}
	check(m, 0, 0)
}

// pmapDepth returns the number of levels of m (0 for nil, 1 for flat).
func pmapDepth(m *pmap) int {
	if m == nil {
		return 0
	}
	d := 0
	for _, s := range m.slots() {
		if s.k == nil {
			d = max(d, pmapDepth(s.v.(*pmap)))
		}
	}
	return d + 1
}

// pmapNodeCount returns the number of nodes (allocations) that make up m.
func pmapNodeCount(m *pmap) int {
	if m == nil {
		return 0
	}
	n := 1
	for _, s := range m.slots() {
		if s.k == nil {
			n += pmapNodeCount(s.v.(*pmap))
		}
	}
	return n
}

// pmapShape renders the structure of m, ignoring values, so that two maps
// can be compared for identical layout.
func pmapShape(m *pmap) string {
	var b strings.Builder
	var walk func(nd *pmap)
	walk = func(nd *pmap) {
		fmt.Fprintf(&b, "(%#x %d", nd.bitmap, nd.n)
		for _, s := range nd.slots() {
			if s.k != nil {
				fmt.Fprintf(&b, " %s", s.k.name)
			} else {
				b.WriteByte(' ')
				walk(s.v.(*pmap))
			}
		}
		b.WriteByte(')')
	}
	if m != nil {
		walk(m)
	}
	return b.String()
}

func TestPmapEmpty(t *testing.T) {
	var m *pmap
	k := newVarCore("k")
	if v, ok := m.lookup(k); ok || v != nil {
		t.Errorf("lookup on empty map = %v, %v", v, ok)
	}
	if m.len() != 0 {
		t.Errorf("len() = %d", m.len())
	}
	m.each(func(*varCore, any) { t.Error("each visited an entry of the empty map") })
	if m.remove(k) != nil {
		t.Error("remove on empty map returned non-nil")
	}
}

func TestPmapSetLookupRemoveSmall(t *testing.T) {
	ks := pmapTestKeys(pmapSmallMax)
	var m *pmap
	want := map[*varCore]any{}
	for i, k := range ks {
		m = m.set(k, i)
		want[k] = i
		pmapCheckEqual(t, m, want)
		if m.bitmap != 0 {
			t.Fatalf("map of %d entries is not flat", m.len())
		}
	}
	// Remove from the middle, the ends, and finally everything.
	for _, i := range []int{3, 0, len(ks) - 1, 1, 2, 4, 5, 6} {
		m = m.remove(ks[i])
		delete(want, ks[i])
		pmapCheckEqual(t, m, want)
	}
	if m != nil {
		t.Fatalf("map emptied by remove is %p, want nil", m)
	}
}

func TestPmapNilValue(t *testing.T) {
	// A nil value is a value like any other: present, not absent.
	k := newVarCore("k")
	m := (*pmap)(nil).set(k, nil)
	if v, ok := m.lookup(k); !ok || v != nil {
		t.Fatalf("lookup = %v, %v; want nil, true", v, ok)
	}
	if m.len() != 1 {
		t.Fatalf("len() = %d", m.len())
	}
}

func TestPmapReplace(t *testing.T) {
	for _, n := range []int{1, 5, pmapSmallMax, pmapSmallMax + 1, 100, 3000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ks := pmapTestKeys(n)
			m, want := pmapBuildFrom(ks)
			for i, k := range ks {
				if i%7 != 0 && n > 100 {
					continue
				}
				old := m
				m = m.set(k, "new")
				if m == old {
					t.Fatal("set returned the old map")
				}
				if m.len() != n {
					t.Fatalf("len after replace = %d, want %d", m.len(), n)
				}
				if v, _ := old.lookup(k); v != want[k] {
					t.Fatalf("old version sees %v after replace, want %v", v, want[k])
				}
				want[k] = "new"
			}
			pmapCheckEqual(t, m, want)
		})
	}
}

func TestPmapPersistence(t *testing.T) {
	// Every version produced along a long random history must still read
	// exactly as it did when it was made.
	rng := rand.New(rand.NewPCG(1, 2))
	ks := pmapTestKeys(300)
	type version struct {
		m    *pmap
		want map[*varCore]any
	}
	var versions []version
	var m *pmap
	want := map[*varCore]any{}
	for step := range 3000 {
		k := ks[rng.IntN(len(ks))]
		// Bias towards growth first, then shrinkage, so the history
		// crosses the flat/HAMT boundary in both directions.
		if rng.IntN(100) < 70 == (step < 1500) {
			m = m.set(k, step)
			want[k] = step
		} else {
			m = m.remove(k)
			delete(want, k)
		}
		if step%10 == 0 {
			snap := make(map[*varCore]any, len(want))
			for k, v := range want {
				snap[k] = v
			}
			versions = append(versions, version{m, snap})
		}
	}
	for _, v := range versions {
		pmapCheckEqual(t, v.m, v.want)
	}
}

func TestPmapRemoveAbsentIsIdentity(t *testing.T) {
	absent := newVarCore("absent")
	for _, n := range []int{1, 4, pmapSmallMax, pmapSmallMax + 1, pmapSmallMax + 2, 1000} {
		m, _ := pmapBuildFrom(pmapTestKeys(n))
		if got := m.remove(absent); got != m {
			t.Errorf("n=%d: remove(absent) returned a different map", n)
		}
		allocs := testing.AllocsPerRun(100, func() { m.remove(absent) })
		if allocs != 0 {
			t.Errorf("n=%d: remove(absent) allocates %v times", n, allocs)
		}
	}
}

func TestPmapTransitions(t *testing.T) {
	// Grow through the flat/HAMT boundary and back, several times, with
	// different keys each time so the HAMT shapes differ.
	for round := range 5 {
		ks := pmapTestKeys(3 * pmapSmallMax)
		var m *pmap
		want := map[*varCore]any{}
		for i, k := range ks {
			m = m.set(k, i)
			want[k] = i
			pmapCheckEqual(t, m, want)
			if isHAMT := m.bitmap != 0; isHAMT != (i+1 > pmapSmallMax) {
				t.Fatalf("round %d: %d entries, HAMT=%v", round, i+1, isHAMT)
			}
		}
		for i, k := range ks {
			old := m
			m = m.remove(k)
			delete(want, k)
			pmapCheckEqual(t, m, want)
			if left := len(ks) - i - 1; left > 0 {
				if isHAMT := m.bitmap != 0; isHAMT != (left > pmapSmallMax) {
					t.Fatalf("round %d: %d entries, HAMT=%v", round, left, isHAMT)
				}
			}
			if _, ok := old.lookup(k); !ok {
				t.Fatal("remove changed the previous version")
			}
		}
		if m != nil {
			t.Fatal("emptied map is not nil")
		}
	}
}

func TestPmapManyKeys(t *testing.T) {
	const n = 10000
	ks := pmapTestKeys(n)
	m, want := pmapBuildFrom(ks)
	pmapCheckEqual(t, m, want)
	full := m
	// 10^4 random hashes fill about log32(10^4) < 3 levels, but some pairs
	// share more bits (birthday effect): some pair shares 25 bits with
	// probability ~0.8, hence 6 levels, 30 bits ~0.05, 45 bits ~1e-6. So
	// depth 5 to 9 is normal; anything else means a broken trie.
	if d := pmapDepth(m); d < 5 || d > 9 {
		t.Errorf("depth of %d-entry map is %d", n, d)
	}
	for _, k := range pmapTestKeys(100) {
		if _, ok := m.lookup(k); ok {
			t.Fatal("lookup found a key that was never set")
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
	for i, k := range ks {
		m = m.remove(k)
		delete(want, k)
		if i%997 == 0 || len(want) < 3*pmapSmallMax {
			pmapCheckEqual(t, m, want)
		}
	}
	if m != nil {
		t.Fatal("map is not nil after removing every key")
	}
	if full.len() != n {
		t.Fatal("removals changed the full version")
	}
}

func TestPmapCanonicalShape(t *testing.T) {
	// The trie's layout must depend only on its key set, not on the order
	// of insertions or on removals along the way; otherwise removals could
	// leave long, sparse paths behind.
	rng := rand.New(rand.NewPCG(5, 6))
	ks := pmapTestKeys(500)
	extra := pmapTestKeys(500)
	a, _ := pmapBuildFrom(ks)
	for range 3 {
		perm := rng.Perm(len(ks))
		var b *pmap
		for _, i := range perm {
			b = b.set(ks[i], i)
			if rng.IntN(2) == 0 {
				e := extra[rng.IntN(len(extra))]
				b = b.set(e, 0)
			}
		}
		for _, e := range extra {
			b = b.remove(e)
		}
		if pmapShape(a) != pmapShape(b) {
			t.Fatal("same keys, different layout")
		}
	}
}

func TestPmapDeepHashes(t *testing.T) {
	// Keys whose hashes agree on the low 55 or 60 bits share a path down to
	// the last levels, which a random 64-bit hash would essentially never
	// reach: this is the only way to test the 4-bit bottom level.
	const low = 0x0123456789abcde & (1<<55 - 1)
	var ks []*varCore
	for top := range uint64(1 << 9) {
		ks = append(ks, pmapHashedKey(low|top<<55))
	}
	// A second family agreeing on 60 bits, and one agreeing on 63 that
	// differs only in the very top bit.
	const low2 = 0x0fedcba987654321 & (1<<60 - 1)
	for top := range uint64(16) {
		ks = append(ks, pmapHashedKey(low2|top<<60))
	}
	ks = append(ks, pmapHashedKey(0x7000000000000001), pmapHashedKey(0xf000000000000001))

	rng := rand.New(rand.NewPCG(7, 8))
	rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
	var m *pmap
	want := map[*varCore]any{}
	for i, k := range ks {
		m = m.set(k, i)
		want[k] = i
		if i%50 == 0 {
			pmapCheckEqual(t, m, want)
		}
	}
	pmapCheckEqual(t, m, want)
	if d := pmapDepth(m); d != 13 {
		t.Errorf("depth = %d, want 13 (the 4-bit bottom level)", d)
	}
	// Probe absent keys that follow the deep paths all the way down.
	// They diverge from the present keys at levels 10, 11 and 12 (the
	// last); the final one shares a full hash with a present key, which
	// must not matter as keys are compared by identity.
	for _, h := range []uint64{low ^ 1<<54, low2 ^ 1<<59, 0x3000000000000001, low2} {
		if _, ok := m.lookup(pmapHashedKey(h)); ok {
			t.Errorf("found absent key with hash %#x", h)
		}
		if m.remove(pmapHashedKey(h)) != m {
			t.Errorf("removing absent key with hash %#x changed the map", h)
		}
	}
	for i, k := range ks {
		m = m.remove(k)
		delete(want, k)
		if i%25 == 0 || len(want) < 20 {
			pmapCheckEqual(t, m, want)
		}
	}
	if m != nil {
		t.Fatal("map is not nil after removing every key")
	}
}

func TestPmapDuplicateHashPanics(t *testing.T) {
	// newVarCore never repeats a hash; if something else ever did, the
	// trie must fail loudly rather than recurse forever.
	var m *pmap
	for i := range pmapSmallMax {
		m = m.set(pmapHashedKey(uint64(i)), i)
	}
	m = m.set(pmapHashedKey(1<<40), 0)
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("no panic for duplicate hash")
		}
	}()
	m.set(pmapHashedKey(1<<40), 1)
}

// pmapPath returns the nodes lookup visits on its way to k in m.
func pmapPath(m *pmap, k *varCore) []*pmap {
	var path []*pmap
	for nd, h := m, k.hash; nd != nil; h >>= pmapBits {
		path = append(path, nd)
		if nd.bitmap == 0 {
			break
		}
		bit := uint32(1) << (h & pmapMask)
		if nd.bitmap&bit == 0 {
			break
		}
		s := nd.slots()[bits.OnesCount32(nd.bitmap&(bit-1))]
		nd, _ = s.v.(*pmap)
		if s.k != nil {
			break
		}
	}
	return path
}

func TestPmapAllocs(t *testing.T) {
	ks := pmapTestKeys(1001)
	var v any = &struct{}{} // pre-boxed, so only the map allocates
	one := (*pmap)(nil).set(ks[0], v)
	four, _ := pmapBuildFrom(ks[:4])
	eight, _ := pmapBuildFrom(ks[:pmapSmallMax])
	nine, _ := pmapBuildFrom(ks[:pmapSmallMax+1])
	big, _ := pmapBuildFrom(ks[:1000])
	// Eight keys at level-0 positions 0..7, and a ninth that shares
	// position 0 with the first: growing makes a root and one child.
	var crowded []*varCore
	for h := range uint64(pmapSmallMax + 1) {
		crowded = append(crowded, pmapHashedKey(h))
	}
	crowded[pmapSmallMax].hash = 32
	crowded8, _ := pmapBuildFrom(crowded[:pmapSmallMax])

	for _, c := range []struct {
		name string
		want float64
		f    func()
	}{
		{"set on empty", 1, func() { (*pmap)(nil).set(ks[0], v) }},
		{"set on 1-entry", 1, func() { one.set(ks[1], v) }},
		{"replace in 1-entry", 1, func() { one.set(ks[0], v) }},
		{"set on 4-entry", 1, func() { four.set(ks[4], v) }},
		{"remove last entry", 0, func() { one.remove(ks[0]) }},
		{"remove from 4-entry", 1, func() { four.remove(ks[2]) }},
		{"remove flattening HAMT", 1, func() { nine.remove(ks[3]) }},
		{"lookup", 0, func() { four.lookup(ks[3]); big.lookup(ks[500]) }},
		// Growing into a HAMT allocates exactly its nodes.
		{"set growing into HAMT", float64(pmapNodeCount(eight.set(ks[1000], v))), func() { eight.set(ks[1000], v) }},
		{"set growing into 2-level HAMT", 2, func() { crowded8.set(crowded[pmapSmallMax], v) }},
		// Path copying allocates exactly the nodes on the new path.
		{"set new on 1000-entry", float64(len(pmapPath(big.set(ks[1000], v), ks[1000]))), func() { big.set(ks[1000], v) }},
		{"replace on 1000-entry", float64(len(pmapPath(big, ks[10]))), func() { big.set(ks[10], v) }},
	} {
		if got := testing.AllocsPerRun(100, c.f); got != c.want {
			t.Errorf("%s: %v allocs, want %v", c.name, got, c.want)
		}
	}
	// Removing copies the path except for the 2-entry nodes at its end,
	// which dissolve into their surviving entry.
	for _, k := range ks[:1000] {
		want := 0
		for _, nd := range pmapPath(big, k) {
			if nd.n > 2 {
				want++
			}
		}
		if got := testing.AllocsPerRun(10, func() { big.remove(k) }); got != float64(want) {
			t.Fatalf("remove on 1000-entry: %v allocs, want %d", got, want)
		}
	}
	if one.remove(ks[0]) != nil {
		t.Error("removing the last entry did not return nil")
	}
}

var (
	pmapSinkAny  any
	pmapSinkBool bool
	pmapSinkMap  *pmap
)

func BenchmarkPmapLookup(b *testing.B) {
	// The loop below costs something even without a lookup (cycling
	// through keys, storing results); measure that to subtract it.
	b.Run("loop-overhead", func(b *testing.B) {
		ks := pmapTestKeys(4)
		j := 0
		for b.Loop() {
			pmapSinkAny, pmapSinkBool = ks[j], true
			if j++; j == len(ks) {
				j = 0
			}
		}
	})
	for _, n := range []int{1, 2, 4, 8, 9, 16, 100, 1000, 10000} {
		ks := pmapTestKeys(n)
		m, _ := pmapBuildFrom(ks)
		b.Run(fmt.Sprintf("hit/n=%d", n), func(b *testing.B) {
			// Cycle through all keys so that the flat scan's average
			// position, not its best case, is measured.
			j := 0
			for b.Loop() {
				pmapSinkAny, pmapSinkBool = m.lookup(ks[j])
				if j++; j == n {
					j = 0
				}
			}
		})
		miss := newVarCore("miss")
		b.Run(fmt.Sprintf("miss/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				pmapSinkAny, pmapSinkBool = m.lookup(miss)
			}
		})
	}
}

func BenchmarkPmapSet(b *testing.B) {
	var v any = &struct{}{}
	for _, n := range []int{0, 1, 4, 7, pmapSmallMax, 100, 1000} {
		ks := pmapTestKeys(n + 1)
		m, _ := pmapBuildFrom(ks[:n])
		b.Run(fmt.Sprintf("new/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				pmapSinkMap = m.set(ks[n], v)
			}
		})
		if n == 0 {
			continue
		}
		b.Run(fmt.Sprintf("replace/n=%d", n), func(b *testing.B) {
			j := 0
			for b.Loop() {
				pmapSinkMap = m.set(ks[j], v)
				if j++; j == n {
					j = 0
				}
			}
		})
	}
}

func BenchmarkPmapRemove(b *testing.B) {
	for _, n := range []int{1, 4, pmapSmallMax, pmapSmallMax + 1, 100, 1000} {
		ks := pmapTestKeys(n)
		m, _ := pmapBuildFrom(ks)
		b.Run(fmt.Sprintf("present/n=%d", n), func(b *testing.B) {
			j := 0
			for b.Loop() {
				pmapSinkMap = m.remove(ks[j])
				if j++; j == n {
					j = 0
				}
			}
		})
		absent := newVarCore("absent")
		b.Run(fmt.Sprintf("absent/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				pmapSinkMap = m.remove(absent)
			}
		})
	}
}

// BenchmarkPmapBuild measures building a map key by key, the cost a
// Context pays when a goroutine sets n Vars in turn.
func BenchmarkPmapBuild(b *testing.B) {
	var v any = &struct{}{}
	for _, n := range []int{4, 16, 1000} {
		ks := pmapTestKeys(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				var m *pmap
				for _, k := range ks {
					m = m.set(k, v)
				}
				pmapSinkMap = m
			}
		})
	}
}
