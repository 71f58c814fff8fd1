// Package b holds generic code and suppressed diagnostics.
package b

import (
	"github.com/ctxvar/ctxvar/ctxvar"
)

var level = ctxvar.New("level", ctxvar.Default(0))

func set[T any](v *ctxvar.Var[T], x T) {
	v.Set(x) // want `the token returned by v\.Set is discarded: the previous value is never restored; reset it with defer v\.Reset\(v\.Set\(x\)\)`
}

func setAndKeep[T any](v *ctxvar.Var[T], x T) *ctxvar.Token[T] { // want setAndKeep:"returns the token of v.Set"
	return v.Set(x)
}

func setOnOnePath[T comparable](v *ctxvar.Var[T], x, zero T) {
	tok := v.Set(x) // want `the tok variable returned by v\.Set is not used on all paths`
	if x == zero {
		return
	}
	v.Reset(tok)
}

func withReset[T any](v *ctxvar.Var[T], x T, f func()) {
	defer v.Reset(v.Set(x))
	f()
}

type holder[T any] struct {
	v   *ctxvar.Var[T]
	tok *ctxvar.Token[T]
}

func (h *holder[T]) enter(x T) {
	h.tok = h.v.Set(x)
}

func (h *holder[T]) enterLost(x T) {
	h.v.Set(x) // want `the token returned by h\.v\.Set is discarded`
}

func (h *holder[T]) leave() {
	h.v.Reset(h.tok)
}

func instantiated() {
	set(level, 1)
	h := &holder[int]{v: level}
	h.enter(2)
	h.leave()
}

func genericMethodValue[T any](v *ctxvar.Var[T], x T) {
	set := v.Set
	set(x) // want `the token returned by set \(v\.Set\) is discarded`
}

// Suppressed with a directive on the line above or on the same line.

func ignoredAbove() {
	//lint:ignore losttoken the level lasts for the goroutine
	level.Set(1)
}

func ignoredSameLine() {
	level.Set(2) //lint:ignore losttoken the level lasts for the goroutine
}

func ignoredOtherAnalyzer() {
	//lint:ignore barego not this analyzer
	level.Set(3) // want `discarded`
}

func ignoredWithoutReason() {
	//lint:ignore losttoken
	level.Set(4) // want `discarded`
}

func ignoredPath() {
	//lint:ignore losttoken,barego the token is kept elsewhere
	tok := level.Set(5)
	if tok == nil {
		return
	}
	level.Reset(tok)
}

// Exported is set from another package.
var Exported = ctxvar.New("exported", ctxvar.Default(0))
