package ctxvar

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"unsafe"
)

// gLikeKeys returns n distinct keys shaped like g addresses: objects of the
// runtime's g size class packed in spans, spans scattered over arenas.
func gLikeKeys(n int) []uint64 {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := make([]uint64, 0, n)
	seen := make(map[uint64]bool, n)
	for len(keys) < n {
		span := 0xc000000000 + rng.Uint64N(1<<30)&^(8<<10-1)
		for i := range uint64(18) { // 18 gs of 448 bytes in an 8 KiB span
			k := span + i*448
			if !seen[k] && len(keys) < n {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func TestRegistryPutLoad(t *testing.T) {
	r := newRegistry()
	keys := gLikeKeys(50000)
	states := make(map[uint64]*gstate, len(keys))
	for _, k := range keys {
		gs := &gstate{}
		states[k] = gs
		if old := r.put(k, unsafe.Pointer(gs), false); old != nil {
			t.Fatalf("put(%#x) replaced %p in a fresh registry", k, old)
		}
	}
	if got := len(r.table.Load().slots); got < len(keys) {
		t.Fatalf("table has %d slots for %d entries: it did not grow", got, len(keys))
	}
	if r.len() != len(keys) {
		t.Fatalf("len = %d, want %d", r.len(), len(keys))
	}
	for k, gs := range states {
		if got := r.load(k); got != unsafe.Pointer(gs) {
			t.Fatalf("load(%#x) = %p, want %p", k, got, gs)
		}
	}
	if r.load(1) != nil {
		t.Fatal("load of an absent key found a value")
	}
	for k, gs := range states {
		if got := r.put(k, nil, false); got != unsafe.Pointer(gs) {
			t.Fatalf("put(%#x, nil) replaced %p, want %p", k, got, gs)
		}
		if r.load(k) != nil {
			t.Fatalf("load(%#x) after clearing found a value", k)
		}
	}
	if r.put(keys[0], nil, false) != nil {
		t.Fatal("clearing twice found a value")
	}
	if r.len() != 0 {
		t.Fatalf("len = %d after clearing everything", r.len())
	}
	r.shrinkIfSparse(r.table.Load(), 0)
	if got := len(r.table.Load().slots); got != 1<<minTableLog {
		t.Fatalf("table has %d slots when empty, want it shrunk to %d", got, 1<<minTableLog)
	}
}

// A Spawned goroutine's value is its snapshot, tagged so that it cannot be
// taken for a state.
func TestRegistrySnapshotValue(t *testing.T) {
	r := newRegistry()
	data := new(pmap).set(&New[int]("v").core, 1)
	r.put(7, snapshotVal(data), false)
	p := r.load(7)
	if !isSnapshot(p) || snapshotOf(p) != data {
		t.Fatalf("the value does not decode to the snapshot: %p", p)
	}
	if stateIn(p, 7) != nil {
		t.Fatal("a snapshot decoded as a state")
	}
	gs := &gstate{goid: 7}
	r.put(7, unsafe.Pointer(gs), false)
	if p := r.load(7); isSnapshot(p) || stateIn(p, 7) != gs {
		t.Fatal("the state did not replace the snapshot")
	}
	if stateIn(r.load(7), 8) != nil {
		t.Fatal("a state of goroutine 7 was taken for goroutine 8's: a stale state must read as none")
	}
}

// A table that many short-lived goroutines passed through does not grow:
// with id keys, each goroutine retires its key, and a migration drops it;
// with g keys, the runtime's gs come back, and so do their keys.
func TestRegistryChurnDoesNotGrow(t *testing.T) {
	for _, idKeys := range []bool{true, false} {
		r := newRegistry()
		keys := gLikeKeys(300)
		for i := range 50 << minTableLog {
			k := uint64(i + 1)
			if !idKeys {
				k = keys[i%len(keys)]
			}
			r.put(k, unsafe.Pointer(&gstate{}), false)
			r.put(k, nil, idKeys)
		}
		if got := len(r.table.Load().slots); got != 1<<minTableLog {
			t.Errorf("id keys %v: table grew to %d slots with at most one live entry", idKeys, got)
		}
		if got := r.table.Load().live(); got != 0 {
			t.Errorf("id keys %v: %d live values after every key was cleared", idKeys, got)
		}
	}
}

// TestRegistryConcurrentMigration has goroutines put, load and clear their
// own keys while another forces migrations without pause: no goroutine may
// ever miss its own value or find one it cleared.
func TestRegistryConcurrentMigration(t *testing.T) {
	r := newRegistry()
	const workers, rounds, perRound = 8, 30, 400
	var wg sync.WaitGroup
	errs := make(chan string, workers+1)
	stop := make(chan struct{})
	var migrator sync.WaitGroup
	migrator.Add(1)
	go func() {
		defer migrator.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				r.migrate(r.table.Load(), uint(i%2))
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range rounds {
				base := uint64(w*rounds+round)*perRound*2 + 1
				var mine []unsafe.Pointer
				for i := range uint64(perRound) {
					var p unsafe.Pointer
					if i%2 == 0 {
						p = unsafe.Pointer(&gstate{goid: base + i})
					} else {
						p = snapshotVal(new(pmap)) // a Spawned goroutine's value
					}
					r.put(base+i, p, false)
					mine = append(mine, p)
				}
				for i, p := range mine {
					if got := r.load(base + uint64(i)); got != p {
						errs <- fmt.Sprintf("load(%d) missed its value during migrations: got %p, want %p", base+uint64(i), got, p)
						return
					}
					if i%2 == 1 {
						// The Spawned goroutine's first Set.
						gs := unsafe.Pointer(&gstate{goid: base + uint64(i)})
						if old := r.put(base+uint64(i), gs, false); old != p {
							errs <- fmt.Sprintf("put(%d) replaced %p, want its snapshot %p", base+uint64(i), old, p)
							return
						}
						mine[i] = gs
					}
				}
				for i, p := range mine {
					if old := r.put(base+uint64(i), nil, false); old != p {
						errs <- fmt.Sprintf("clearing %d replaced %p, want %p", base+uint64(i), old, p)
						return
					}
					if r.load(base+uint64(i)) != nil {
						errs <- "load found a cleared value"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	migrator.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if r.len() != 0 {
		t.Fatalf("len = %d after all workers cleared their keys", r.len())
	}
}

// A migration never blocks an owner: while one is stopped half-way, owners
// still read, replace and add values, and the migration then carries what
// they changed.
func TestRegistryOwnersDuringMigration(t *testing.T) {
	r := newRegistry()
	old := r.table.Load()
	keys := gLikeKeys(600)
	for _, k := range keys[:500] {
		r.put(k, unsafe.Pointer(&gstate{goid: k}), false)
	}
	// Begin a migration by hand and stop it half-way through the slots.
	r.migrating.Store(true)
	nt := newTable(tableLogFor(old.keys()))
	old.next.Store(nt)
	half := len(old.slots) / 2
	for i := range half {
		old.moveSlot(i, nt)
	}
	want := make(map[uint64]unsafe.Pointer)
	for i, k := range keys {
		switch {
		case i < 500 && i%3 == 0:
			r.put(k, nil, false)
		case i < 500 && i%3 == 1:
			gs := unsafe.Pointer(&gstate{goid: k + 1})
			r.put(k, gs, false)
			want[k] = gs
		case i < 500:
			want[k] = r.load(k)
		default: // new keys while the migration is half-way
			gs := unsafe.Pointer(&gstate{goid: k})
			r.put(k, gs, false)
			want[k] = gs
		}
	}
	for k, p := range want {
		if got := r.load(k); got != p {
			t.Fatalf("mid-migration load(%#x) = %p, want %p", k, got, p)
		}
	}
	// Finish it as migrate would.
	for i := half; i < len(old.slots); i++ {
		old.moveSlot(i, nt)
	}
	r.table.Store(nt)
	r.migrating.Store(false)
	for k, p := range want {
		if got := r.load(k); got != p {
			t.Fatalf("after the migration load(%#x) = %p, want %p", k, got, p)
		}
	}
	for i, k := range keys[:500] {
		if i%3 == 0 && r.load(k) != nil {
			t.Fatalf("a value cleared mid-migration came back for %#x", k)
		}
	}
	if got := nt.live(); got != len(want) {
		t.Fatalf("the new table holds %d values, want %d", got, len(want))
	}
}

// Keys that hash to one home claim neighbouring slots at once: no claim may
// lose or resurrect a value.
func TestRegistrySharedProbe(t *testing.T) {
	r := newRegistry()
	tb := r.table.Load()
	home := tb.home(1)
	var keys []uint64
	for k := uint64(1); len(keys) < 4; k++ {
		if tb.home(k) == home {
			keys = append(keys, k)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, len(keys))
	for _, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20000 {
				gs := unsafe.Pointer(&gstate{})
				r.put(k, gs, false)
				if r.load(k) != gs {
					errs <- "own value missing after put"
					return
				}
				if r.put(k, nil, false) != gs || r.load(k) != nil {
					errs <- "clearing did not take out the value"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if n := r.len(); n != 0 {
		t.Fatalf("len = %d after every goroutine cleared its key", n)
	}
}

// Keys are g addresses (objects of one size class, a few hundred bytes apart)
// or goroutine ids (which come in runs, with any stride among the live ones):
// no pattern may pile keys up into long probe sequences.
func TestRegistryProbeLengths(t *testing.T) {
	patterns := map[string][]uint64{"g addresses": gLikeKeys(100000)}
	for _, stride := range []uint64{1, 2, 16, 64, 448, 1024, 1 << 16} {
		keys := make([]uint64, 100000)
		for i := range keys {
			keys[i] = 1 + uint64(i)*stride
		}
		patterns[fmt.Sprintf("ids, stride %d", stride)] = keys
	}
	for name, keys := range patterns {
		r := newRegistry()
		for _, k := range keys {
			r.put(k, unsafe.Pointer(&gstate{}), false)
		}
		tb := r.table.Load()
		total, longest := 0, 0
		for _, k := range keys {
			probe := 0
			for j := tb.home(k); tb.slots[j].key.Load() != k; j = (j + 1) & tb.mask {
				probe++
			}
			total += probe
			longest = max(longest, probe)
		}
		if mean := float64(total) / float64(len(keys)); mean > 4 || longest > 256 {
			t.Errorf("%s: keys sit %.1f slots past their home on average, %d at most", name, mean, longest)
		}
	}
}

// A goroutine that sets a Var allocates one gstate, which holds the
// one-entry map of a bare goroutine's first Set: keep it in the 96-byte
// size class. Registry slots are 16 bytes, four to a cache line.
func TestStateSizes(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes are for 64-bit platforms")
	}
	if size := unsafe.Sizeof(gstate{}); size > 96 {
		t.Fatalf("gstate is %d bytes, want at most 96", size)
	}
	if size := unsafe.Sizeof(rslot{}); size != 16 {
		t.Fatalf("rslot is %d bytes, want 16", size)
	}
}

// A migration picks the smallest table in which the keys fill at most fill
// of maxLoad; a table that filled up doubles, even with more keys than its
// sampled count said, so 10^5 goroutines fit a table of 2^17 slots.
func TestTableLogFor(t *testing.T) {
	if got := tableLogFor(0); got != minTableLog {
		t.Errorf("tableLogFor(0) = %d, want the minimum %d", got, minTableLog)
	}
	fits := func(n int, log2 uint) bool {
		return (int64(1)<<log2)*maxLoadNum*fillNum >= int64(n)*maxLoadDen*fillDen
	}
	for _, n := range []int{1, 1000, 50000, 100000, 1 << 20} {
		log2 := tableLogFor(n)
		if !fits(n, log2) {
			t.Errorf("tableLogFor(%d) = %d: the keys would fill more than fill of maxLoad", n, log2)
		}
		if log2 > minTableLog && fits(n, log2-1) {
			t.Errorf("tableLogFor(%d) = %d: a table half that size would do", n, log2)
		}
	}
	for log2 := uint(minTableLog); log2 < 24; log2++ {
		full := (1 << log2) * maxLoadNum / maxLoadDen
		if got := tableLogFor(full + full/20); got != log2+1 {
			t.Errorf("a full table of 2^%d slots, 5%% over its count, migrates to 2^%d slots, want 2^%d", log2, got, log2+1)
		}
	}
	// Carried keys and the claims of goroutines during a migration fit.
	if fillNum*maxLoadNum*8+3*maxLoadDen*fillDen >= 8*maxLoadDen*fillDen {
		t.Error("carried keys and claims made during a migration could fill the new table")
	}
}

// A migration whose new table turns out too small, because goroutines
// claimed more keys than were counted, moves on to a bigger one, and loses
// nothing, while owners keep writing.
func TestRegistryMigrationOutgrowsItsTable(t *testing.T) {
	r := newRegistry()
	keys := gLikeKeys(950)
	for _, k := range keys[:700] {
		r.put(k, unsafe.Pointer(&gstate{goid: k}), false)
	}
	old := r.table.Load()
	// Claims the count did not see: straight into the table, bigger than
	// any count would have sized the new table for.
	for _, k := range keys[700:] {
		if s, _ := old.claim(k, false); s == nil {
			t.Fatal("the old table is full")
		} else {
			s.cas(nil, unsafe.Pointer(&gstate{goid: k}))
		}
	}
	r.migrating.Store(true)
	// Sized as if the count had seen half the keys.
	nt := r.migrateInto(old, newTable(minTableLog-1))
	r.table.Store(nt)
	r.migrating.Store(false)
	if len(nt.slots) < len(keys) {
		t.Fatalf("the migration ended in a table of %d slots, too small for %d keys", len(nt.slots), len(keys))
	}
	for _, k := range keys {
		if gs := stateIn(r.load(k), k); gs == nil || gs.goid != k {
			t.Fatalf("key %#x lost its value in the migration", k)
		}
	}
}
