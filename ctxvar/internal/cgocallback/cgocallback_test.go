package cgocallback_test

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/internal/cgocallback"
)

// user is the Var that one callback sets and the next one reads.
var user = ctxvar.New[string]("user")

// goroutineID returns the calling goroutine's id, from the header of
// runtime.Stack's output ("goroutine 17 [running, locked to thread]:").
func goroutineID(t *testing.T) uint64 {
	var buf [64]byte
	s := buf[:runtime.Stack(buf[:], false)]
	s = bytes.TrimPrefix(s, []byte("goroutine "))
	if i := bytes.IndexByte(s, ' '); i >= 0 {
		s = s[:i]
	}
	id, err := strconv.ParseUint(string(s), 10, 64)
	if err != nil {
		t.Errorf("cannot read the goroutine id from %q", buf[:])
	}
	return id
}

func seenUser() string {
	if u, ok := user.Lookup(); ok {
		return "user=" + u
	}
	return "no user"
}

// needCgo skips the test where the package was built without cgo, and keeps
// the garbage collector, and so ctxvar's sweeper, from running during the
// test: a sweep lists the live goroutines with runtime.Stack, which leaves out
// the goroutine of a C thread while the thread is in C, so a sweep between two
// callbacks would remove the first one's value. Nothing makes a sweep run
// there, so the value may reach the next callback, and the tests show that it
// does.
func needCgo(t *testing.T) {
	t.Helper()
	if !cgocallback.Enabled {
		t.Skip("built without cgo (CGO_ENABLED=0 or no C compiler): there are no C threads to call Go from")
	}
	old := debug.SetGCPercent(-1)
	t.Cleanup(func() { debug.SetGCPercent(old) })
}

// callback is a run of three callbacks from C: the first sets user=alice
// without Reset, the second reports what it sees, the third resets the
// first's token where the second saw it, so that the leak does not outlive
// the test. With boundary, each callback enters new(ctxvar.Context) first
// (and the third has nothing to reset).
type callback struct {
	t          *testing.T
	boundary   bool
	goroutines [3]uint64
	tok        *ctxvar.Token[string]
	saw        string
}

func (c *callback) call(i int) {
	c.goroutines[i] = goroutineID(c.t)
	body := func() {
		switch i {
		case 0:
			c.tok = user.Set("alice") // no Reset: the bug under test
		case 1:
			c.saw = seenUser()
		case 2:
			if c.saw == "user=alice" {
				user.Reset(c.tok)
			}
		}
	}
	if c.boundary {
		new(ctxvar.Context).Run(body)
	} else {
		body()
	}
}

// check checks that all three callbacks ran on one goroutine and what the
// second one saw.
func (c *callback) check(want string) {
	c.t.Helper()
	c.t.Logf("the callbacks ran on goroutines %v", c.goroutines)
	if c.goroutines[1] != c.goroutines[0] || c.goroutines[2] != c.goroutines[0] {
		c.t.Errorf("the callbacks ran on goroutines %v, want one goroutine: "+
			"the runtime no longer runs them on the goroutine of one extra M "+
			"(update this test and docs/runtime.md#reused-goroutines)", c.goroutines)
	}
	if c.saw != want {
		c.t.Errorf("the callback after the one that set alice saw %q, want %q", c.saw, want)
	}
}

// One C thread calls Go three times: the runtime runs the callbacks on the
// goroutine of the extra M bound to the thread, which keeps its id.
func TestOneThread(t *testing.T) {
	needCgo(t)
	t.Run("no boundary", func(t *testing.T) {
		c := &callback{t: t}
		if err := cgocallback.OneThread(3, c.call); err != nil {
			t.Fatal(err)
		}
		c.check("user=alice")
	})
	t.Run("new(ctxvar.Context).Run in each callback", func(t *testing.T) {
		c := &callback{t: t, boundary: true}
		if err := cgocallback.OneThread(3, c.call); err != nil {
			t.Fatal(err)
		}
		c.check("no user")
	})
}

// Three C threads, one after another, call Go once each: when a thread exits,
// the runtime takes back its extra M, goroutine included, and lends it to the
// next thread that calls Go.
func TestThreadsInTurn(t *testing.T) {
	needCgo(t)
	t.Run("no boundary", func(t *testing.T) {
		c := &callback{t: t}
		if err := cgocallback.Threads(3, c.call); err != nil {
			t.Fatal(err)
		}
		c.check("user=alice")
	})
	t.Run("new(ctxvar.Context).Run in each callback", func(t *testing.T) {
		c := &callback{t: t, boundary: true}
		if err := cgocallback.Threads(3, c.call); err != nil {
			t.Fatal(err)
		}
		c.check("no user")
	})
}
