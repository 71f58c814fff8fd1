package ctxvarhttp

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// The panic values of misused options and of Handler, wrapped with a message
// that says what to pass instead; match them with errors.Is. A nil Var, Context
// or function panics with ctxvar.ErrNilVar, ErrNilContext or ErrNilFunc.
var (
	// ErrNilHandler: Handler was given a nil http.Handler.
	ErrNilHandler = errors.New("ctxvarhttp: nil http.Handler")
	// ErrHeaderName: RequestID was given a name that is not a valid
	// header field name.
	ErrHeaderName = errors.New("ctxvarhttp: invalid header name")
)

// DefaultRequestIDHeader is the header RequestID reads and echoes when it is
// given the empty name.
const DefaultRequestIDHeader = "X-Request-ID"

// maxRequestIDLen bounds an accepted incoming ID: the ID is copied into
// logs and response headers, so a client must not choose how large it is.
const maxRequestIDLen = 128

// An Option configures Handler. The zero Option does nothing.
type Option struct {
	apply func(*config)
}

// config is what the options build; Handler reads it once.
type config struct {
	base  *ctxvar.Context
	steps []step
}

// step is one per-request option, run in option order before next: a Hook
// (hook != nil) or a RequestID (id != nil).
type step struct {
	hook   func(*http.Request)
	id     *ctxvar.Var[string]
	header string // canonical, so the request's header map is indexed directly
}

// Base makes each request start from a copy of c's values as they are when
// Handler is called, instead of the values of the Context current at that
// call. Base(new(ctxvar.Context)) starts every request empty. Later Sets in c
// do not reach the handler: it keeps its own snapshot. With several Base
// options, the last wins.
//
// Base panics if c is nil.
func Base(c *ctxvar.Context) Option {
	if c == nil {
		panic(fmt.Errorf("%w: ctxvarhttp.Base called with a nil *ctxvar.Context; use new(ctxvar.Context) for an empty one", ctxvar.ErrNilContext))
	}
	return Option{func(cfg *config) { cfg.base = c }}
}

// Hook runs fn in the request's Context before the wrapped handler, in
// option order with the other Hooks and RequestIDs. fn may Set Vars from the
// request (a user, a tenant, a trace ID): the handler and the goroutines it
// Spawns see them, and they need no Reset, because the request's Context
// ends with the request (the losttoken analyzer knows it of a function
// literal passed to Hook).
//
// Hook panics if fn is nil.
func Hook(fn func(*http.Request)) Option {
	if fn == nil {
		panic(fmt.Errorf("%w: ctxvarhttp.Hook called with a nil function", ctxvar.ErrNilFunc))
	}
	return Option{func(cfg *config) { cfg.steps = append(cfg.steps, step{hook: fn}) }}
}

// RequestID sets v in each request's Context to the request's ID, and echoes
// the ID in the response header of the same name, so that a client or proxy
// can match its logs with the server's. The ID is the request's header of
// that name ("" means X-Request-ID) if it is 1 to 128 bytes of visible ASCII
// (0x21 to 0x7E); otherwise, missing or not, it is a new one from
// NewRequestID. An ID that fails the check is replaced rather than cleaned,
// as it comes from the client, and it ends up in logs and headers, where
// spaces, control characters and unbounded lengths forge or break lines.
//
// RequestID runs in option order with the Hooks: a Hook after it sees v set.
// RequestID panics if v is nil or header is not a valid header name.
func RequestID(v *ctxvar.Var[string], header string) Option {
	if v == nil {
		panic(fmt.Errorf("%w: ctxvarhttp.RequestID called with a nil *ctxvar.Var[string]; declare one with ctxvar.New[string]", ctxvar.ErrNilVar))
	}
	if header == "" {
		header = DefaultRequestIDHeader
	}
	if !validHeaderName(header) {
		panic(fmt.Errorf("%w: ctxvarhttp.RequestID: %q is not a valid header name; use a token such as X-Request-ID", ErrHeaderName, header))
	}
	s := step{id: v, header: textproto.CanonicalMIMEHeaderKey(header)}
	return Option{func(cfg *config) { cfg.steps = append(cfg.steps, s) }}
}

// NewRequestID returns a new random request ID: 128 bits from crypto/rand as
// 32 lowercase hexadecimal digits. 128 random bits make a collision among
// the IDs any service will ever issue vanishingly unlikely, with no
// coordination between servers.
//
// It costs one allocation (the string) and a read of the kernel's random
// source, which is most of the cost RequestID adds to a request that comes
// without an ID; see the package documentation for measured numbers.
func NewRequestID() string {
	var b [16]byte
	// Since Go 1.24 Read never returns an error: it crashes the program
	// instead, as an ID that is not random would be worse than none.
	_, _ = rand.Read(b[:])
	var h [32]byte
	hex.Encode(h[:], b[:])
	return string(h[:])
}

// validRequestID reports whether an incoming ID may be used as it is.
func validRequestID(id string) bool {
	if len(id) == 0 || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// validHeaderName reports whether name is an RFC 9110 token; net/http would
// never hand the handler a header of another name, so RequestID would never
// find one.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c < 0x80 && containsByte("!#$%&'*+-.^_`|~", c):
		default:
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// exchange is a request and its response writer: BindArg's argument, passed
// by value so that a request makes no closure.
type exchange struct {
	w http.ResponseWriter
	r *http.Request
}

// handler is what Handler returns.
type handler struct {
	serve func(exchange)
}

// ServeHTTP runs the request in a fresh copy of the handler's snapshot.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(exchange{w, r})
}

// Handler returns an http.Handler that serves each request with next, on the
// goroutine net/http serves it on, in a Context of the request's own: a fresh
// copy of a snapshot of the Context current in the goroutine that calls
// Handler (or of the Base option's Context), taken once, at this call. Values
// set before the server is built, such as a service name set in main, reach
// every request; Sets made afterwards in that goroutine do not.
//
// The Context the serving goroutine was in is never copied into a request:
// on an HTTP/1.x keep-alive connection it holds whatever the code around the
// handler left there. Nothing a request Sets survives it, whether or not the
// handler Resets: the goroutine is put back in its previous Context when next
// returns or panics, and the request's state is released.
//
// A panic in next, http.ErrAbortHandler included, propagates unchanged to
// the caller of ServeHTTP, after the goroutine has left the request's
// Context.
//
// Handler panics if next is nil.
func Handler(next http.Handler, opts ...Option) http.Handler {
	if next == nil {
		panic(fmt.Errorf("%w: ctxvarhttp.Handler called with a nil http.Handler; pass the server's handler, such as its *http.ServeMux", ErrNilHandler))
	}
	var cfg config
	for _, o := range opts {
		if o.apply != nil {
			o.apply(&cfg)
		}
	}
	steps := cfg.steps
	h := new(handler)
	// The function literal is passed to BindArg directly: it runs in a
	// Context that ends with it, which is why its Sets need no Reset (and
	// why losttoken stays silent about them).
	bind := func() {
		h.serve = ctxvar.BindArg(func(x exchange) {
			for i := range steps {
				s := &steps[i]
				if s.hook != nil {
					s.hook(x.r)
					continue
				}
				var id string
				if in := x.r.Header[s.header]; len(in) > 0 && validRequestID(in[0]) {
					id = in[0]
				} else {
					id = NewRequestID()
				}
				x.w.Header()[s.header] = []string{id}
				s.id.Set(id)
			}
			next.ServeHTTP(x.w, x.r)
		})
	}
	if cfg.base != nil {
		// A copy: c may be entered elsewhere, and Run enters what it runs.
		cfg.base.Copy().Run(bind)
	} else {
		bind()
	}
	return h
}
