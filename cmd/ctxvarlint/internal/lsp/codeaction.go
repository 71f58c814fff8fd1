package lsp

import (
	"encoding/json"
	"runtime/debug"
	"slices"
)

// codeAction answers once the file's last change has been analyzed, so
// that the fixes' positions are those of the text the client holds.
func (s *server) codeAction(params, id json.RawMessage) (any, *rpcError) {
	var p CodeActionParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return nil, rerr
	}
	name, err := filename(p.TextDocument.URI)
	if err != nil {
		return nil, errorf(codeInvalidParams, "%v", err)
	}
	if len(p.Context.Only) > 0 && !slices.ContainsFunc(p.Context.Only, func(k string) bool { return k == "quickfix" || k == "" }) {
		return []CodeAction{}, nil
	}
	go func() {
		defer func() {
			if r := recover(); r != nil {
				s.logf(LogError, "internal error in codeAction: %v\n%s", r, debug.Stack())
				s.reply(id, nil, errorf(codeInternalError, "internal error: %v", r))
			}
		}()
		s.reply(id, s.codeActions(name, p.Range), nil)
	}()
	return nil, errAsync
}

func (s *server) codeActions(name string, rng Range) []CodeAction {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := s.gen
	if s.doneGen < want {
		s.scheduleLocked(0) // the client wants fixes now: skip the debounce
	}
	for s.doneGen < want && !s.stopping {
		s.changed.Wait()
	}
	actions := []CodeAction{}
	for _, d := range s.results[name] {
		if !overlaps(d.Range, rng) {
			continue
		}
		actions = append(actions, d.fixes...)
	}
	return actions
}

// overlaps reports whether two ranges overlap or touch, so that a cursor
// (an empty range) at either end of a diagnostic gets its fixes.
func overlaps(a, b Range) bool {
	return !before(a.End, b.Start) && !before(b.End, a.Start)
}

func before(p, q Position) bool {
	return p.Line < q.Line || p.Line == q.Line && p.Character < q.Character
}
