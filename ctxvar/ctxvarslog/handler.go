package ctxvarslog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// redactedText stands in for a Redacted Var's value. It is the text that
// ctxvar's own String methods print, so that logs and debugging output agree.
const redactedText = "[redacted]"

// ErrNilHandler is the panic value (wrapped, for errors.Is) of NewHandler
// given a nil next handler.
var ErrNilHandler = errors.New("ctxvarslog: nil slog.Handler")

// stackAttrs is how many attributes Handle collects without allocating.
// Beyond it the collection spills to the heap; few handlers log that many
// Vars.
const stackAttrs = 4

// A Handler is a [slog.Handler] that wraps another and adds to each record
// the values that its Vars have in the current Context of the goroutine that
// logs. Vars without a value there are left out. Create one with
// [NewHandler]; a Handler is safe for concurrent use, as its next handler
// must be.
type Handler struct {
	next  slog.Handler
	vars  []varAttr
	group string
}

var _ slog.Handler = (*Handler)(nil)

// varAttr is a Var and the key it is logged under. Redacted is cached
// because Handle asks for every record and the answer never changes.
type varAttr struct {
	key      string
	v        ctxvar.AnyVar
	redacted bool
}

// An Option configures a Handler; pass Options to [NewHandler].
type Option func(*Handler)

// Vars logs each of vars under its name. Vars are logged in the order the
// options name them.
func Vars(vars ...ctxvar.AnyVar) Option {
	for _, v := range vars {
		mustVar("Vars", v)
	}
	vars = slices.Clone(vars) // the caller may reuse its slice
	return func(h *Handler) {
		for _, v := range vars {
			h.vars = append(h.vars, varAttr{v.Name(), v, v.Redacted()})
		}
	}
}

// Attr logs v under key rather than its name, for logs whose schema fixes
// the key (trace_id, user.id) while the Var's name follows the code.
func Attr(key string, v ctxvar.AnyVar) Option {
	mustVar("Attr", v)
	return func(h *Handler) {
		h.vars = append(h.vars, varAttr{key, v, v.Redacted()})
	}
}

// Group puts the Vars' attributes in a group of that name, apart from the
// record's own keys. The group is left out when no
// Var has a value. An empty name, the default, puts them beside the record's
// attributes. If Group is given more than once, the last one wins.
//
// A group's attributes need a slice of their own, so with a group Handle
// allocates once for each record that carries a Var.
func Group(name string) Option {
	return func(h *Handler) { h.group = name }
}

// mustVar panics if v is nil: the mistake shows where the handler is built
// rather than on the first record logged.
func mustVar(fn string, v ctxvar.AnyVar) {
	if v == nil {
		panic(fmt.Errorf("%w: ctxvarslog.%s called with a nil Var; pass the *ctxvar.Var itself", ctxvar.ErrNilVar, fn))
	}
}

// NewHandler returns a Handler that passes records to next with the values
// of the Vars the options name added. It panics if next is nil.
func NewHandler(next slog.Handler, opts ...Option) *Handler {
	if next == nil {
		panic(fmt.Errorf("%w: ctxvarslog.NewHandler called with a nil slog.Handler; pass the handler that formats the records, such as slog.NewJSONHandler(os.Stderr, nil)", ErrNilHandler))
	}
	h := &Handler{next: next}
	for _, o := range opts {
		o(h)
	}
	h.vars = slices.Clip(h.vars) // handlers derived by WithAttrs share it
	return h
}

// Enabled reports whether the next handler handles records at level. The
// Vars play no part: a record's level decides, not the Context it comes from.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle adds to r the Vars that have a value in the calling goroutine's
// current Context and passes r to the next handler. slog calls Handle on the
// goroutine that logs, which is why the Vars are read here and not from ctx.
// The attributes are added to the record, so they land where its own
// attributes land: inside the groups that WithGroup opened.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	var buf [stackAttrs]slog.Attr
	as := buf[:0]
	for i := range h.vars {
		a := &h.vars[i] // not a copy: the loop runs for every record
		val, ok := a.v.ValueAny()
		switch {
		case !ok:
			continue
		case a.redacted:
			// Not slog.Any: a LogValuer's LogValue must not even run.
			as = append(as, slog.String(a.key, redactedText))
		default:
			// slog.Any keeps a string a string and an int an int, and
			// leaves a LogValuer for the next handler to resolve, as
			// slog does for the record's own attributes.
			as = append(as, slog.Any(a.key, val))
		}
	}
	if len(as) == 0 {
		return h.next.Handle(ctx, r)
	}
	if h.group != "" {
		// The group's Value keeps a pointer to its attributes, which
		// the next handler may hold on to: they cannot live in buf.
		g := slog.Attr{Key: h.group, Value: slog.GroupValue(slices.Clone(as)...)}
		buf[0] = g
		as = buf[:1]
	}
	// r is a copy of the caller's Record and shares its back array, which
	// holds the attributes past the few stored inline in the Record. Were
	// AddAttrs to append there, it would write into the caller's array,
	// past the caller's end, where the caller's next AddAttrs would
	// overwrite our attributes under the next handler's feet (slog marks
	// that with a !BUG attribute). Clone only clips the back array, so
	// that AddAttrs copies it rather than append in place: it allocates
	// nothing itself, and while the record has no back array, as it has
	// none until its inline attributes are full, it changes nothing. So
	// the record is copied only when appending would touch a shared array,
	// and AddAttrs allocates only when the attributes spill past the
	// inline ones, which no handler can avoid.
	r = r.Clone()
	r.AddAttrs(as...) // one call, so that a spill grows the array once
	return h.next.Handle(ctx, r)
}

// WithAttrs returns a Handler that adds the same Vars and whose next
// handler is the next handler's WithAttrs(attrs).
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	c := *h
	c.next = h.next.WithAttrs(attrs)
	return &c
}

// WithGroup returns a Handler that adds the same Vars and whose next handler
// is the next handler's WithGroup(name). The Vars' attributes, added to each
// record, then land in that group with the record's own attributes; and as a
// group with no attributes is left out of the output, a record with none of
// its own shows that group only if some Var has a value.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}
