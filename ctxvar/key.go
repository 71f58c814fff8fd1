package ctxvar

import "sync/atomic"

// varCore is the identity of a Var, independent of its value type: the key
// under which a Context stores the Var's value.
type varCore struct {
	name string
	// v is the Var this is the core of, for code that meets the core in a
	// map: a Context's iterator and its String.
	v AnyVar
	// seq orders Vars of the same name by creation, for stable output.
	seq      uint64
	redacted bool
	// hash is unique to this Var: a bijective mix of a sequence number, so two
	// Vars never share a hash and the HAMT never needs collision nodes.
	hash uint64
}

var varSeq atomic.Uint64

func makeVarCore(name string) varCore {
	seq := varSeq.Add(1)
	return varCore{name: name, seq: seq, hash: mix64(seq)}
}

// mix64 is the SplitMix64 finalizer. It is a bijection on uint64, which is
// what makes every Var's hash distinct.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
