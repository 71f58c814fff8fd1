package ctxvar_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var (
	bridgeID   = ctxvar.New[string]("bridge.requestid")
	bridgeUser = ctxvar.New("bridge.user", ctxvar.Default("anonymous"))
)

// TestBridgeAfterFunc carries the Context through context.AfterFunc, which
// runs its function on a goroutine of its own once ctx is done.
func TestBridgeAfterFunc(t *testing.T) {
	defer bridgeID.Reset(bridgeID.Set("req-1"))
	ctx, cancel := context.WithCancel(ctxvar.WithCurrent(context.Background()))
	bridgeID.Set("req-changed-after") // not in the snapshot
	got := make(chan string, 2)
	context.AfterFunc(ctx, func() {
		got <- bridgeID.GetOr("(empty)") // the goroutine's own Context
		ctxvar.RunContext(ctx, func() { got <- bridgeID.Get() })
	})
	cancel()
	if bare, carried := <-got, <-got; bare != "(empty)" || carried != "req-1" {
		t.Errorf("AfterFunc's function reads %q bare and %q in RunContext; want (empty) and req-1", bare, carried)
	}
}

// TestBridgeErrgroup carries the Context into the goroutines of
// errgroup.WithContext through the ctx it derives, and shows that a Set in
// one of them stays in it.
func TestBridgeErrgroup(t *testing.T) {
	defer bridgeID.Reset(bridgeID.Set("req-2"))
	g, ctx := errgroup.WithContext(ctxvar.WithCurrent(context.Background()))
	var mu sync.Mutex
	seen := map[string]int{}
	for i := range 8 {
		g.Go(func() error {
			var err error
			ctxvar.RunContext(ctx, func() {
				if i == 0 {
					defer bridgeUser.Reset(bridgeUser.Set("worker-0"))
				}
				mu.Lock()
				seen[bridgeID.Get()+"/"+bridgeUser.Get()]++
				mu.Unlock()
				if i == 7 {
					err = errors.New("worker 7 fails")
				}
			})
			return err
		})
	}
	if err := g.Wait(); err == nil || err.Error() != "worker 7 fails" {
		t.Errorf("Wait = %v; want worker 7's error", err)
	}
	if seen["req-2/anonymous"] != 7 || seen["req-2/worker-0"] != 1 || len(seen) != 2 {
		t.Errorf("the workers read %v; want req-2 everywhere, and worker-0's Set seen by worker 0 alone", seen)
	}
	if got := bridgeUser.Get(); got != "anonymous" {
		t.Errorf("after the group, the caller reads user %q; want anonymous", got)
	}
}

// goTransport is an http.RoundTripper that sends each request from a
// goroutine of its own, as transports with connection pools and retries do;
// before each request it calls hook there with the request's ctx.
type goTransport struct {
	next http.RoundTripper
	hook func(ctx context.Context)
}

func (t goTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		t.hook(req.Context())
		resp, err := t.next.RoundTrip(req)
		done <- result{resp, err}
	}()
	r := <-done
	return r.resp, r.err
}

// TestBridgeRoundTripper carries the Context to a transport's goroutine,
// which reads the request ID from the snapshot in the request's ctx.
func TestBridgeRoundTripper(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	// stamp is what the transport's goroutine read for the last request.
	var stampMu sync.Mutex
	var stamp string
	client := &http.Client{Transport: goTransport{
		next: srv.Client().Transport,
		hook: func(ctx context.Context) {
			ctxvar.RunContext(ctx, func() {
				stampMu.Lock()
				defer stampMu.Unlock()
				stamp = bridgeID.GetOr("(none)")
			})
		},
	}}
	get := func(ctx context.Context) string {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		stampMu.Lock()
		stamp = ""
		stampMu.Unlock()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		stampMu.Lock()
		defer stampMu.Unlock()
		return stamp
	}
	func() {
		defer bridgeID.Reset(bridgeID.Set("req-3"))
		if got := get(ctxvar.WithCurrent(context.Background())); got != "req-3" {
			t.Errorf("the transport's goroutine read %q through the bridge; want req-3", got)
		}
		if got := get(context.Background()); got != "(none)" {
			t.Errorf("without the bridge the transport's goroutine read %q; want (none)", got)
		}
	}()
}

// TestFromContextAndNewContext checks the Context-valued half of the bridge.
func TestFromContextAndNewContext(t *testing.T) {
	c, ok := ctxvar.FromContext(context.Background())
	if ok || c.Len() != 0 {
		t.Errorf("FromContext of a bare context = %v, %t; want an empty Context, false", c, ok)
	}
	src := new(ctxvar.Context)
	src.Run(func() { bridgeID.Set("from-c") })
	ctx := ctxvar.NewContext(context.Background(), src)
	src.Run(func() { bridgeID.Set("later") }) // the snapshot is taken at NewContext
	c1, ok1 := ctxvar.FromContext(ctx)
	c2, _ := ctxvar.FromContext(ctx)
	if !ok1 || c1 == c2 {
		t.Fatalf("FromContext = %p, %t then %p; want distinct Contexts, true", c1, ok1, c2)
	}
	if got, _ := ctxvar.ValueIn(c1, bridgeID); got != "from-c" {
		t.Errorf("FromContext's Context holds %q; want from-c, the value at NewContext", got)
	}
	c1.Run(func() { bridgeID.Set("changed-in-c1") })
	if got, _ := ctxvar.ValueIn(c2, bridgeID); got != "from-c" {
		t.Errorf("a Set in one FromContext Context reached another: %q", got)
	}
	ctxvar.RunContext(ctx, func() {
		if got := bridgeID.Get(); got != "from-c" {
			t.Errorf("RunContext reads %q; want from-c", got)
		}
	})
	ctxvar.RunContext(context.Background(), func() {
		if _, ok := bridgeID.Lookup(); ok {
			t.Error("RunContext of a context that carries nothing has a value; want an empty Context")
		}
	})
}

func TestBridgeMisuse(t *testing.T) {
	for name, call := range map[string]func(){
		//lint:ignore SA1012 the misuse under test
		"WithCurrent(nil)": func() { ctxvar.WithCurrent(nil) },
		//lint:ignore SA1012 the misuse under test
		"NewContext(nil, c)": func() { ctxvar.NewContext(nil, new(ctxvar.Context)) },
		"NewContext(ctx, nil)": func() {
			ctxvar.NewContext(context.Background(), nil)
		},
		"RunContext(ctx, nil)": func() { ctxvar.RunContext(context.Background(), nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				err, _ := recover().(error)
				if err == nil || !(errors.Is(err, ctxvar.ErrNilParent) || errors.Is(err, ctxvar.ErrNilContext) || errors.Is(err, ctxvar.ErrNilFunc)) {
					t.Fatalf("panicked with %v; want a ctxvar misuse error", err)
				}
				if !strings.Contains(err.Error(), "ctxvar.") {
					t.Errorf("message %q does not name the fix", err)
				}
			}()
			call()
		})
	}
}
