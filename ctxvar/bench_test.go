package ctxvar

import (
	"strconv"
	"sync"
	"testing"
)

var sinkContext *Context

// inSpawned runs fn on a goroutine started by Spawn after v was set to 1, the
// situation of a request handler.
func inSpawned(b *testing.B, fn func()) {
	v := New[int]("bench")
	defer v.Reset(v.Set(1))
	done := make(chan struct{})
	Spawn(func() {
		defer close(done)
		fn()
	})
	<-done
}

func BenchmarkGet(b *testing.B) {
	v := New[int]("v")
	tok := v.Set(1)
	defer v.Reset(tok)
	b.ReportAllocs()
	for b.Loop() {
		v.Get()
	}
}

func BenchmarkGetOr(b *testing.B) {
	v := New[int]("v")
	tok := v.Set(1)
	defer v.Reset(tok)
	b.ReportAllocs()
	for b.Loop() {
		v.GetOr(0)
	}
}

func BenchmarkLookup(b *testing.B) {
	v := New[int]("v")
	tok := v.Set(1)
	defer v.Reset(tok)
	b.ReportAllocs()
	for b.Loop() {
		v.Lookup()
	}
}

func BenchmarkGetDefault(b *testing.B) {
	v := New("v", Default(1))
	b.ReportAllocs()
	for b.Loop() {
		v.Get()
	}
}

func BenchmarkGetParallel(b *testing.B) {
	v := New[int]("v")
	b.RunParallel(func(pb *testing.PB) {
		defer v.Reset(v.Set(1))
		for pb.Next() {
			v.Get()
		}
	})
}

func BenchmarkSetReset(b *testing.B) {
	v := New[int]("v")
	b.Run("spawned", func(b *testing.B) {
		inSpawned(b, func() {
			b.ReportAllocs()
			for b.Loop() {
				v.Reset(v.Set(1))
			}
		})
	})
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v.Reset(v.Set(1))
		}
	})
}

func BenchmarkCopy(b *testing.B) {
	for _, n := range []int{1, 10, 1000} {
		//lint:ignore barego each sub-benchmark sets its own Vars before copying
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for i := range n {
				v := New[int]("v" + strconv.Itoa(i))
				defer v.Reset(v.Set(i))
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkContext = Copy()
			}
		})
	}
}

func BenchmarkSpawn(b *testing.B) {
	v := New[int]("v")
	defer v.Reset(v.Set(1))
	var wg sync.WaitGroup
	b.ReportAllocs()
	for b.Loop() {
		wg.Add(1)
		Spawn(wg.Done)
		wg.Wait()
	}
}

func BenchmarkGo(b *testing.B) {
	var wg sync.WaitGroup
	b.ReportAllocs()
	for b.Loop() {
		wg.Add(1)
		go wg.Done()
		wg.Wait()
	}
}

func BenchmarkRun(b *testing.B) {
	c := Copy()
	fn := func() {}
	b.ReportAllocs()
	for b.Loop() {
		c.Run(fn)
	}
}

func BenchmarkBind(b *testing.B) {
	v := New[int]("v")
	defer v.Reset(v.Set(1))
	fn := Bind(func() {})
	b.ReportAllocs()
	for b.Loop() {
		fn()
	}
}

func BenchmarkRegister(b *testing.B) {
	key, id := self()
	b.ReportAllocs()
	for b.Loop() {
		registerState(key, newState(kindSpawn, id, nil))
		release(key)
	}
}
