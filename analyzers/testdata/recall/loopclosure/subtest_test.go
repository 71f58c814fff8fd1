package loopclosure

import (
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// T's Run is not testing.T's: it does not run its function.
type T struct{}

func (t *T) Run(string, func(*testing.T)) {}

func (t *T) Parallel() {}

// subtest.go: every subtest runs on a goroutine of its own, parallel or
// not, so it never sees what the loop set.
func TestSubtests(t *testing.T) {
	for i, test := range []int{1, 2, 3} {
		tok := item.Set(test)

		t.Run("", func(t *testing.T) { // mistake: barego [launcher-trun]
			t.Parallel()
			println(i, item.Get()) // mistake: unsetget [launcher-trun]
		})

		t.Run("", func(t *testing.T) { // mistake: barego [launcher-trun]
			println(i, item.Get()) // mistake: unsetget [launcher-trun]
		})

		t.Run("", func(t *testing.T) { // ok: barego [set-first]
			tok := item.Set(i)
			t.Parallel()
			println(item.Get()) // ok: unsetget [set-first]
			item.Reset(tok)
		})

		t.Run("", ctxvar.BindArg(func(t *testing.T) { // ok: barego [bind]
			t.Parallel()
			println(item.Get()) // ok: unsetget [bind]
		}))

		t.Run("", func(t *testing.T) { // ok: barego [nested-go]
			t.Parallel()
			t.Run("", func(t *testing.T) { // mistake: barego [launcher-trun]
				println(item.Get()) // mistake: unsetget [launcher-trun]
			})
		})

		t.Run("", func(_ *testing.T) { // ok: barego [lookalike]
			t := &T{}
			t.Parallel()
			t.Run("", func(*testing.T) {
				println(i)
			})
		})

		fn := func() (string, func(t *testing.T)) {
			return "", func(t *testing.T) {
				println(item.Get()) // mistake: unsetget@multi [closure-return]
			}
		}
		t.Run(fn()) // mistake: barego, unsetget@multi [closure-return]

		item.Reset(tok)
	}
}

func TestShadowedLoopValue(t *testing.T) {
	for i, test := range []int{1, 2, 3} {
		tok := key.Set("k")
		i, test := i, test
		t.Run("", func(t *testing.T) { // mistake: barego [launcher-trun]
			t.Parallel()
			println(i, test, key.Get()) // ok: unsetget [default]
		})
		key.Reset(tok)
	}
}

// A Spawn before the Set takes the Context of the previous iteration, in
// which item was reset: unset, as in the test's own Context.
func TestSpawnBeforeSet(t *testing.T) {
	for _, v := range []int{1, 2, 3} {
		ctxvar.Spawn(func() { // ok: barego [spawn]
			println(item.Get()) // mistake: unsetget [spawn]
		})
		tok := item.Set(v)
		ctxvar.Spawn(func() { // ok: barego [spawn]
			println(item.Get()) // ok: unsetget [spawn]
		})
		item.Reset(tok)
	}
}
