// Package ctxvarslog adds the values of context variables to log records: a
// slog.Handler that wraps another and, for each record, reads chosen Vars in
// the Context of the goroutine that logs.
package ctxvarslog

import (
	"context"
	"log/slog"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// A Handler wraps another slog.Handler and adds to each record the values
// that its Vars have in the current Context of the goroutine that logs.
type Handler struct {
	next  slog.Handler
	attrs []varAttr
	group string
}

// varAttr is a Var and the key it is logged under.
type varAttr struct {
	key string
	v   ctxvar.AnyVar
}

// An Option configures a Handler.
type Option func(*Handler)

// Vars adds each Var under its name.
func Vars(vars ...ctxvar.AnyVar) Option {
	return func(h *Handler) {
		for _, v := range vars {
			h.attrs = append(h.attrs, varAttr{v.Name(), v})
		}
	}
}

// Attr adds v under key.
func Attr(key string, v ctxvar.AnyVar) Option {
	return func(h *Handler) { h.attrs = append(h.attrs, varAttr{key, v}) }
}

// Group puts the Vars' attributes in a group of that name.
func Group(name string) Option {
	return func(h *Handler) { h.group = name }
}

// NewHandler returns a Handler that passes records to next with the values
// of the Vars the options name.
func NewHandler(next slog.Handler, opts ...Option) *Handler {
	h := &Handler{next: next}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Enabled reports whether next handles records at level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle adds the Vars that have a value and passes r to next.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	for _, a := range h.attrs {
		if val, ok := a.v.ValueAny(); ok {
			r.AddAttrs(slog.Any(a.key, val))
		}
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs returns a Handler whose next has attrs.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(attrs)
	return &c
}

// WithGroup returns a Handler whose next opens group name.
func (h *Handler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}
