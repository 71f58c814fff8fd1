package ctxvar

import (
	"fmt"
	"maps"
	"testing"
)

// The fuzz target runs a program of map operations, read from the fuzz
// input, against a pmap and a plain Go map side by side.
//
// Each operation is an opcode byte followed by its argument bytes. The low
// nibble of the opcode selects the operation, the high nibble (mod 3) the
// key family that its key arguments index:
//
//	pmapOpSet, key        set key to a fresh value
//	pmapOpRemove, key     remove key
//	pmapOpLookup, key     look key up
//	pmapOpSetRun, n, key  set the n+1 keys from key on (wrapping)
//	pmapOpRemoveRun, n, key
//	pmapOpSave, slot      remember the current version in one of 4 slots
//	pmapOpRestore, slot   continue from a remembered version (branching)
//	pmapOpCheck           check the current version in full
//
// Runs reach the whole pool of 3×256 keys, so programs easily hold
// hundreds of live keys and exercise the HAMT; single-key operations keep
// programs around the flat/HAMT boundary interesting too.
const (
	pmapOpSet = iota
	pmapOpRemove
	pmapOpLookup
	pmapOpSetRun
	pmapOpRemoveRun
	pmapOpSave
	pmapOpRestore
	pmapOpCheck
	// The remaining low-nibble values are sets too, which biases random
	// programs towards growth and so towards the HAMT.
)

// Key families for the fuzz pool. Hashes are chosen so that the families
// stress different depths of the trie; they are checked to be distinct.
const (
	pmapFamReal = 0 << 4 // real newVarCore hashes: shallow, random tries
	pmapFamDeep = 1 << 4 // shared low 55 bits: paths down to the last level
	pmapFamMid  = 2 << 4 // shared low 20 bits: a few dense middle levels
)

var pmapFuzzKeys = func() [3][256]*varCore {
	var ks [3][256]*varCore
	seen := map[uint64]bool{}
	for i := range 256 {
		ks[0][i] = newVarCore(fmt.Sprint("real", i))
		// Spread the top 9 bits with a multiplier so that runs of
		// neighbouring indexes do not all share level 11.
		ks[1][i] = pmapHashedKey(0x0123456789abcde&(1<<55-1) | uint64(i*167%256)<<55 | uint64(i&1)<<63)
		ks[2][i] = pmapHashedKey(0xabcde | mix64(uint64(i))<<20)
	}
	for _, fam := range ks {
		for _, k := range fam {
			if seen[k.hash] {
				panic("pmap fuzz pool has a duplicate hash")
			}
			seen[k.hash] = true
		}
	}
	return ks
}()

type pmapVersion struct {
	m    *pmap
	want map[*varCore]any
}

// maxPmapProgram is the longest program FuzzPmap runs: about 170 run opcodes,
// tens of thousands of updates.
const maxPmapProgram = 512

func FuzzPmap(f *testing.F) {
	// Seeds: grow each family past the flat limit and into hundreds of
	// keys, shrink back through the boundary, and branch from saved
	// versions.
	f.Add([]byte{
		pmapOpSetRun | pmapFamReal, 255, 0,
		pmapOpSave, 0,
		pmapOpRemoveRun | pmapFamReal, 250, 3,
		pmapOpCheck,
		pmapOpRemove | pmapFamReal, 1,
		pmapOpRemove | pmapFamReal, 2,
		pmapOpCheck,
		pmapOpRestore, 0,
		pmapOpSetRun | pmapFamDeep, 255, 0,
		pmapOpSetRun | pmapFamMid, 200, 17,
		pmapOpCheck,
		pmapOpSave, 1,
		pmapOpRemoveRun | pmapFamReal, 255, 0,
		pmapOpRemoveRun | pmapFamDeep, 255, 0,
		pmapOpRemoveRun | pmapFamMid, 255, 0,
	})
	f.Add([]byte{
		pmapOpSetRun | pmapFamDeep, 7, 0,
		pmapOpSave, 0,
		pmapOpSet | pmapFamDeep, 8,
		pmapOpSave, 1,
		pmapOpSet | pmapFamDeep, 9,
		pmapOpRemove | pmapFamDeep, 8,
		pmapOpLookup | pmapFamDeep, 9,
		pmapOpRemove | pmapFamDeep, 9,
		pmapOpRemove | pmapFamDeep, 0,
		pmapOpCheck,
		pmapOpRestore, 1,
		pmapOpSetRun | pmapFamDeep, 100, 50,
		pmapOpSave, 2,
		pmapOpRemoveRun | pmapFamDeep, 95, 52,
		pmapOpCheck,
	})
	f.Add([]byte{
		pmapOpSetRun | pmapFamMid, 63, 0,
		pmapOpSetRun | pmapFamReal, 63, 0,
		pmapOpSave, 3,
		pmapOpRemoveRun | pmapFamMid, 127, 32,
		pmapOpSet | pmapFamMid, 40,
		pmapOpRemoveRun | pmapFamReal, 60, 2,
		pmapOpRestore, 3,
		pmapOpRemoveRun | pmapFamReal, 63, 0,
		pmapOpCheck,
	})
	f.Add([]byte{pmapOpSet, 1, pmapOpSet, 2, pmapOpRemove, 1, pmapOpLookup, 2, pmapOpRemove, 2, pmapOpCheck})

	f.Fuzz(func(t *testing.T, prog []byte) {
		// Bound the work per input: a run opcode does up to 256 updates,
		// and the fuzzer grows inputs without limit, which would stall it
		// on a handful of huge programs.
		if len(prog) > maxPmapProgram {
			prog = prog[:maxPmapProgram]
		}
		var (
			m     *pmap
			want  = map[*varCore]any{}
			saved [4]*pmapVersion
			value = 0 // a fresh value for every set, so stale reads show
		)
		set := func(k *varCore) {
			old := m
			oldWant, oldOK := want[k]
			value++
			m = m.set(k, value)
			want[k] = value
			if m == old {
				t.Fatal("set returned the same map")
			}
			if v, ok := m.lookup(k); !ok || v != value {
				t.Fatalf("after set(%s, %d): lookup = %v, %v", k.name, value, v, ok)
			}
			if v, ok := old.lookup(k); ok != oldOK || v != oldWant {
				t.Fatalf("set(%s) changed the old version: %v, %v; want %v, %v", k.name, v, ok, oldWant, oldOK)
			}
		}
		remove := func(k *varCore) {
			old := m
			oldWant, present := want[k]
			m = m.remove(k)
			delete(want, k)
			if !present && m != old {
				t.Fatalf("remove(%s) of an absent key returned a new map", k.name)
			}
			if len(want) == 0 && m != nil {
				t.Fatalf("remove(%s) emptied the map but returned non-nil", k.name)
			}
			if _, ok := m.lookup(k); ok {
				t.Fatalf("lookup(%s) succeeds after remove", k.name)
			}
			if v, ok := old.lookup(k); ok != present || v != oldWant {
				t.Fatalf("remove(%s) changed the old version", k.name)
			}
		}
		for len(prog) > 0 {
			op := prog[0]
			fam := &pmapFuzzKeys[int(op>>4)%3]
			// arg returns the i-th argument byte; missing ones read as
			// zero so that every input is a valid program.
			arg := func(i int) byte {
				if i < len(prog) {
					return prog[i]
				}
				return 0
			}
			switch kind := op & 15; kind {
			case pmapOpRemove:
				remove(fam[arg(1)])
				prog = prog[min(2, len(prog)):]
			case pmapOpLookup:
				k := fam[arg(1)]
				wv, wok := want[k]
				if v, ok := m.lookup(k); ok != wok || v != wv {
					t.Fatalf("lookup(%s) = %v, %v; want %v, %v", k.name, v, ok, wv, wok)
				}
				prog = prog[min(2, len(prog)):]
			case pmapOpSetRun, pmapOpRemoveRun:
				n, start := int(arg(1)), int(arg(2))
				for j := range n + 1 {
					k := fam[(start+j)%len(fam)]
					if kind == pmapOpSetRun {
						set(k)
					} else {
						remove(k)
					}
				}
				prog = prog[min(3, len(prog)):]
			case pmapOpSave:
				i := arg(1) % 4
				if v := saved[i]; v != nil {
					// Check a version before dropping it: by now
					// it has outlived many updates.
					pmapCheckEqual(t, v.m, v.want)
				}
				saved[i] = &pmapVersion{m, maps.Clone(want)}
				prog = prog[min(2, len(prog)):]
			case pmapOpRestore:
				if v := saved[arg(1)%4]; v != nil {
					m, want = v.m, maps.Clone(v.want)
				}
				prog = prog[min(2, len(prog)):]
			case pmapOpCheck:
				pmapFuzzCheckAll(t, m, want)
				prog = prog[1:]
			default: // pmapOpSet and the spare opcodes
				set(fam[arg(1)])
				prog = prog[min(2, len(prog)):]
			}
			if m.len() != len(want) {
				t.Fatalf("len() = %d, want %d", m.len(), len(want))
			}
		}
		pmapFuzzCheckAll(t, m, want)
		for _, v := range saved {
			if v != nil {
				pmapFuzzCheckAll(t, v.m, v.want)
			}
		}
	})
}

// pmapFuzzCheckAll checks m against want in full, including that every key
// of the pool that want lacks is absent from m, and that removing it is a
// no-op.
func pmapFuzzCheckAll(t *testing.T, m *pmap, want map[*varCore]any) {
	t.Helper()
	pmapCheckEqual(t, m, want)
	for _, fam := range pmapFuzzKeys {
		for _, k := range fam {
			if _, ok := want[k]; ok {
				continue
			}
			if _, ok := m.lookup(k); ok {
				t.Fatalf("lookup(%s) finds a key that is not in the map", k.name)
			}
			if m.remove(k) != m {
				t.Fatalf("remove(%s) of an absent key returned a new map", k.name)
			}
		}
	}
}
