package ctxvarslog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var (
	requestID = ctxvar.New[string]("request_id")
	userID    = ctxvar.New[int]("user_id", ctxvar.Default(-1))
	password  = ctxvar.New[string]("password", ctxvar.Redacted[string]())
	timeout   = ctxvar.New[time.Duration]("timeout")
	traceVal  = ctxvar.New[trace]("trace")
	secretVal = ctxvar.New[trace]("secret_trace", ctxvar.Redacted[trace]())
	errVar    = ctxvar.New[error]("err")
)

// trace resolves to a group, as slog resolves a LogValuer.
type trace struct{ id, span string }

func (t trace) LogValue() slog.Value {
	if t.id == "panic" {
		panic("LogValue called on a redacted value")
	}
	return slog.GroupValue(slog.String("id", t.id), slog.String("span", t.span))
}

// jsonLog returns a logger that writes JSON lines through a Handler made
// with opts, and a function that parses what it wrote.
func jsonLog(t *testing.T, opts ...ctxvarslog.Option) (*slog.Logger, func() []map[string]any) {
	t.Helper()
	var buf bytes.Buffer // the JSON handler serializes its writes
	h := ctxvarslog.NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: dropTime}), opts...)
	return slog.New(h), func() []map[string]any {
		t.Helper()
		return parseLines(t, buf.Bytes())
	}
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

func parseLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var ms []map[string]any
	for line := range strings.Lines(string(b)) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		ms = append(ms, m)
	}
	return ms
}

// only returns the single record, failing the test if there is not exactly one.
func only(t *testing.T, ms []map[string]any) map[string]any {
	t.Helper()
	if len(ms) != 1 {
		t.Fatalf("got %d records, want 1: %v", len(ms), ms)
	}
	return ms[0]
}

// without returns m without the standard keys, to compare the rest.
func without(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		if k != slog.LevelKey && k != slog.MessageKey {
			c[k] = v
		}
	}
	return c
}

func wantAttrs(t *testing.T, got map[string]any, want map[string]any) {
	t.Helper()
	if g := without(got); !reflect.DeepEqual(g, want) {
		t.Errorf("record attributes:\n got %v\nwant %v", g, want)
	}
}

func TestSetInLoggingGoroutine(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID, userID))
	done := make(chan struct{})
	// A goroutine that serves one request, as net/http's do: it starts
	// with nothing and Sets what its records should carry.
	ctxvar.Spawn(func() {
		defer close(done)
		log.Info("before") // no values yet: nothing added, the default neither
		defer requestID.Reset(requestID.Set("r-1"))
		defer userID.Reset(userID.Set(42))
		log.Info("during", "k", "v")
	})
	<-done
	ms := records()
	if len(ms) != 2 {
		t.Fatalf("got %d records, want 2", len(ms))
	}
	wantAttrs(t, ms[0], map[string]any{})
	wantAttrs(t, ms[1], map[string]any{"k": "v", "request_id": "r-1", "user_id": 42.0})
}

func TestSpawnedChildCarriesParentValues(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID, userID))
	tokR := requestID.Set("parent")
	tokU := userID.Set(7)
	defer requestID.Reset(tokR)
	defer userID.Reset(tokU)

	logged := make(chan struct{})
	setLater := make(chan struct{})
	ctxvar.Spawn(func() {
		<-setLater // the parent's Set after the Spawn must not show
		log.Info("child")
		close(logged)
	})
	defer requestID.Reset(requestID.Set("parent, later"))
	close(setLater)
	<-logged
	log.Info("parent")

	ms := records()
	if len(ms) != 2 {
		t.Fatalf("got %d records, want 2", len(ms))
	}
	wantAttrs(t, ms[0], map[string]any{"request_id": "parent", "user_id": 7.0})
	wantAttrs(t, ms[1], map[string]any{"request_id": "parent, later", "user_id": 7.0})
}

func TestBareGoroutineCarriesNothing(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID, userID))
	defer requestID.Reset(requestID.Set("parent"))
	done := make(chan struct{})
	// A bare go statement on purpose: its goroutine starts with an empty
	// Context, which is what the package documents.
	go func() {
		defer close(done)
		log.Info("bare", "k", "v")
	}()
	<-done
	wantAttrs(t, only(t, records()), map[string]any{"k": "v"})
}

func TestBind(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID))
	tok := requestID.Set("bound")
	fn := ctxvar.Bind(func() { log.Info("callback") })
	requestID.Reset(tok)
	done := make(chan struct{})
	time.AfterFunc(0, func() { fn(); close(done) })
	<-done
	wantAttrs(t, only(t, records()), map[string]any{"request_id": "bound"})
}

func TestRedacted(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID, password, secretVal), ctxvarslog.Attr("pw", password))
	defer requestID.Reset(requestID.Set("r-1"))
	defer password.Reset(password.Set("hunter2"))
	// A redacted LogValuer must not be resolved: this one panics if it is.
	defer secretVal.Reset(secretVal.Set(trace{"panic", "x"}))
	log.Info("login")
	got := only(t, records())
	wantAttrs(t, got, map[string]any{
		"request_id":   "r-1",
		"password":     "[redacted]",
		"secret_trace": "[redacted]",
		"pw":           "[redacted]",
	})
	// The handler and the runtime's own output agree on the text.
	if s := ctxvar.Copy().String(); !strings.Contains(s, "password: [redacted]") {
		t.Errorf("ctxvar.Context.String() = %s; the handler's redaction text no longer matches it", s)
	}
}

func TestKeysAndOrder(t *testing.T) {
	// A capturing handler shows the Attrs as Handle passes them on: keys,
	// order and Kinds, before any output format blurs them.
	c := &capture{}
	log := slog.New(ctxvarslog.NewHandler(c,
		ctxvarslog.Attr("rid", requestID),
		ctxvarslog.Vars(userID, timeout, password),
		ctxvarslog.Attr("trace.id", traceVal),
		ctxvarslog.Vars(errVar),
	))
	defer requestID.Reset(requestID.Set("r-1"))
	defer userID.Reset(userID.Set(42))
	defer timeout.Reset(timeout.Set(3 * time.Second))
	defer traceVal.Reset(traceVal.Set(trace{"t1", "s1"}))
	// password has no value: left out.
	log.Info("m", "own", true)

	want := []string{
		"own=true (Bool)",
		"rid=r-1 (String)",
		"user_id=42 (Int64)",
		"timeout=3s (Duration)",
		"trace.id={t1 s1} (LogValuer)",
	}
	if got := c.attrs(0); !reflect.DeepEqual(got, want) {
		t.Errorf("attrs:\n got %q\nwant %q", got, want)
	}
}

func TestLogValuerResolved(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(traceVal, errVar))
	defer traceVal.Reset(traceVal.Set(trace{"t1", "s1"}))
	defer errVar.Reset(errVar.Set(fmt.Errorf("boom")))
	log.Info("m")
	wantAttrs(t, only(t, records()), map[string]any{
		"trace": map[string]any{"id": "t1", "span": "s1"},
		"err":   "boom",
	})
}

func TestNilInterfaceValue(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(errVar))
	defer errVar.Reset(errVar.Set(nil)) // set, to nil: logged, as null
	log.Info("m")
	wantAttrs(t, only(t, records()), map[string]any{"err": nil})
}

func TestGroup(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID, userID, password), ctxvarslog.Group("ctx"))
	log.Info("none set") // an empty group is left out
	defer requestID.Reset(requestID.Set("r-1"))
	defer userID.Reset(userID.Set(42))
	log.Info("set", "request_id", "own")
	ms := records()
	if len(ms) != 2 {
		t.Fatalf("got %d records, want 2", len(ms))
	}
	wantAttrs(t, ms[0], map[string]any{})
	wantAttrs(t, ms[1], map[string]any{
		"request_id": "own",
		"ctx":        map[string]any{"request_id": "r-1", "user_id": 42.0},
	})
}

func TestGroupEmptyAndLast(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []ctxvarslog.Option
		want map[string]any
	}{
		{"empty", []ctxvarslog.Option{ctxvarslog.Group("")}, map[string]any{"request_id": "r-1"}},
		{"last wins", []ctxvarslog.Option{ctxvarslog.Group("a"), ctxvarslog.Group("b")},
			map[string]any{"b": map[string]any{"request_id": "r-1"}}},
		{"reset", []ctxvarslog.Option{ctxvarslog.Group("a"), ctxvarslog.Group("")}, map[string]any{"request_id": "r-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, records := jsonLog(t, append(tc.opts, ctxvarslog.Vars(requestID))...)
			defer requestID.Reset(requestID.Set("r-1"))
			log.Info("m")
			wantAttrs(t, only(t, records()), tc.want)
		})
	}
}

func TestWithGroupAndWithAttrs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group string
		want  map[string]any
	}{
		{"flat", "", map[string]any{
			"a": "b",
			"G": map[string]any{"c": "d", "H": map[string]any{"e": "f", "request_id": "r-1"}},
		}},
		{"grouped", "ctx", map[string]any{
			"a": "b",
			"G": map[string]any{"c": "d", "H": map[string]any{"e": "f", "ctx": map[string]any{"request_id": "r-1"}}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, records := jsonLog(t, ctxvarslog.Vars(requestID), ctxvarslog.Group(tc.group))
			defer requestID.Reset(requestID.Set("r-1"))
			log.With("a", "b").WithGroup("G").With("c", "d").WithGroup("H").Info("m", "e", "f")
			wantAttrs(t, only(t, records()), tc.want)
		})
	}
}

// A record with no attributes of its own after WithGroup shows the group
// only because of the Vars; without them, not at all.
func TestWithGroupNoOwnAttrs(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID))
	log.WithGroup("G").Info("unset")
	tok := requestID.Set("r-1")
	log.WithGroup("G").Info("set")
	requestID.Reset(tok)
	ms := records()
	if len(ms) != 2 {
		t.Fatalf("got %d records, want 2", len(ms))
	}
	wantAttrs(t, ms[0], map[string]any{})
	wantAttrs(t, ms[1], map[string]any{"G": map[string]any{"request_id": "r-1"}})
}

func TestWithNoOpReturnsReceiver(t *testing.T) {
	h := ctxvarslog.NewHandler(slog.DiscardHandler, ctxvarslog.Vars(requestID))
	if h.WithGroup("") != slog.Handler(h) {
		t.Error(`WithGroup("") did not return the receiver`)
	}
	if h.WithAttrs(nil) != slog.Handler(h) {
		t.Error("WithAttrs(nil) did not return the receiver")
	}
}

func TestManyAttrs(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 6, 20} {
		for _, group := range []string{"", "ctx"} {
			t.Run(fmt.Sprintf("own=%d/group=%q", n, group), func(t *testing.T) {
				log, records := jsonLog(t, ctxvarslog.Vars(requestID, userID), ctxvarslog.Group(group))
				defer requestID.Reset(requestID.Set("r-1"))
				defer userID.Reset(userID.Set(42))
				want := map[string]any{}
				var args []any
				for i := range n {
					k := fmt.Sprintf("k%d", i)
					args = append(args, k, i)
					want[k] = float64(i)
				}
				vars := map[string]any{"request_id": "r-1", "user_id": 42.0}
				if group == "" {
					for k, v := range vars {
						want[k] = v
					}
				} else {
					want[group] = vars
				}
				log.Info("m", args...)
				wantAttrs(t, only(t, records()), want)
			})
		}
	}
}

func TestEnabled(t *testing.T) {
	next := slog.NewJSONHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelWarn})
	h := ctxvarslog.NewHandler(next, ctxvarslog.Vars(requestID))
	defer requestID.Reset(requestID.Set("r-1"))
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) {
		t.Error("Enabled(Info) = true behind a Warn handler")
	}
	if !h.Enabled(ctx, slog.LevelError) {
		t.Error("Enabled(Error) = false behind a Warn handler")
	}
}

func TestHandleError(t *testing.T) {
	want := fmt.Errorf("disk full")
	h := ctxvarslog.NewHandler(errHandler{want}, ctxvarslog.Vars(requestID))
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "m", 0)
	if err := h.Handle(context.Background(), r); err != want {
		t.Errorf("Handle returned %v, want the next handler's %v", err, want)
	}
	defer requestID.Reset(requestID.Set("r-1"))
	if err := h.Handle(context.Background(), r); err != want {
		t.Errorf("Handle with a Var set returned %v, want the next handler's %v", err, want)
	}
}

func TestMisuse(t *testing.T) {
	for name, f := range map[string]func(){
		"NewHandler(nil)": func() { ctxvarslog.NewHandler(nil) },
		"Vars(nil)":       func() { ctxvarslog.Vars(requestID, nil) },
		"Attr(k, nil)":    func() { ctxvarslog.Attr("k", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				err, _ := recover().(error)
				if !errors.Is(err, ctxvarslog.ErrNilHandler) && !errors.Is(err, ctxvar.ErrNilVar) {
					t.Fatalf("panic value %#v, want an error matching ErrNilHandler or ctxvar.ErrNilVar", err)
				}
				if !strings.Contains(err.Error(), "ctxvarslog.") {
					t.Errorf("message %q does not name the call", err)
				}
			}()
			f()
		})
	}
}

// Vars copies its argument: the caller may reuse the slice.
func TestVarsCopiesSlice(t *testing.T) {
	vs := []ctxvar.AnyVar{requestID}
	opt := ctxvarslog.Vars(vs...)
	vs[0] = userID
	log, records := jsonLog(t, opt)
	defer requestID.Reset(requestID.Set("r-1"))
	defer userID.Reset(userID.Set(42))
	log.Info("m")
	wantAttrs(t, only(t, records()), map[string]any{"request_id": "r-1"})
}

// Many goroutines, each with values of its own, log through one logger;
// every record must carry its own goroutine's values. Run with -race.
func TestConcurrent(t *testing.T) {
	log, records := jsonLog(t, ctxvarslog.Vars(requestID, userID), ctxvarslog.Group("ctx"))
	const workers, each = 16, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		ctxvar.Spawn(func() {
			defer wg.Done()
			defer userID.Reset(userID.Set(w))
			l := log.With("worker", w)
			for i := range each {
				tok := requestID.Set(fmt.Sprintf("w%d-%d", w, i))
				// Enough attributes to spill past the inline ones.
				l.Info("m", "i", i, "a", 1, "b", 2, "c", 3, "d", 4)
				requestID.Reset(tok)
			}
		})
	}
	wg.Wait()
	ms := records()
	if len(ms) != workers*each {
		t.Fatalf("got %d records, want %d", len(ms), workers*each)
	}
	for _, m := range ms {
		w, i := m["worker"].(float64), m["i"].(float64)
		want := map[string]any{"request_id": fmt.Sprintf("w%d-%d", int(w), int(i)), "user_id": w}
		if got := m["ctx"]; !reflect.DeepEqual(got, want) {
			t.Fatalf("record of worker %v, i %v: ctx = %v, want %v", w, i, got, want)
		}
	}
}

// capture records what reaches it, resolved, as "key=value (Kind)".
type capture struct {
	mu   sync.Mutex
	recs [][]string
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }
func (c *capture) WithAttrs([]slog.Attr) slog.Handler       { panic("not used") }
func (c *capture) WithGroup(string) slog.Handler            { panic("not used") }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	var as []string
	r.Attrs(func(a slog.Attr) bool {
		as = append(as, fmt.Sprintf("%s=%v (%s)", a.Key, a.Value, a.Value.Kind()))
		return true
	})
	c.mu.Lock()
	c.recs = append(c.recs, as)
	c.mu.Unlock()
	return nil
}

func (c *capture) attrs(i int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recs[i]
}

type errHandler struct{ err error }

func (h errHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (h errHandler) Handle(context.Context, slog.Record) error { return h.err }
func (h errHandler) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h errHandler) WithGroup(string) slog.Handler             { return h }
