package ctxvarslog_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

// The Vars these tests log, and the values they Set. Their names differ from
// every key slogtest uses. absent is never Set, so must never appear.
var (
	stRequest = ctxvar.New[string]("st_request")
	stUser    = ctxvar.New[int]("st_user")
	stSecret  = ctxvar.New[string]("st_secret", ctxvar.Redacted[string]())
	stTrace   = ctxvar.New[trace]("st_trace")
	stAbsent  = ctxvar.New[string]("st_absent", ctxvar.Default("default"))

	stVars = []ctxvar.AnyVar{stRequest, stUser, stSecret, stTrace, stAbsent}

	// stWant is the JSON of each Var that has a value.
	stWant = map[string]any{
		"st_request": "r-1",
		"st_user":    42.0,
		"st_secret":  "[redacted]",
		"st_trace":   map[string]any{"id": "t1", "span": "s1"},
	}
)

// stGroups is where each slogtest case's Vars land: the groups its logger
// opened with WithGroup. Cases not listed open none.
var stGroups = map[string][]string{
	"WithGroup":                 {"G"},
	"multi-With":                {"G", "H"},
	"empty-group-record":        {"G", "H"},
	"nested-empty-group-record": {"G", "H", "I"},
}

// TestSlogtest runs testing/slogtest on a Handler in front of a JSON
// handler: with its Vars unset, where it must be invisible; and with them
// set, where the result function checks that the Vars are where they belong
// and removes them, so that slogtest's checks see the record's own output.
func TestSlogtest(t *testing.T) {
	for _, tc := range []struct {
		name  string
		set   bool
		group string
	}{
		{"unset", false, ""},
		{"unset/group", false, "ctx"},
		{"set", true, ""},
		{"set/group", true, "ctx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf *bytes.Buffer
			newHandler := func(t *testing.T) slog.Handler {
				buf = new(bytes.Buffer)
				if tc.set {
					// slogtest logs on the subtest's goroutine, which
					// calls newHandler first: Set there.
					setAll(t)
				}
				return ctxvarslog.NewHandler(slog.NewJSONHandler(buf, nil),
					ctxvarslog.Vars(stVars...), ctxvarslog.Group(tc.group))
			}
			result := func(t *testing.T) map[string]any {
				var m map[string]any
				if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
					t.Fatalf("bad JSON %q: %v", buf, err)
				}
				groups := stGroups[path.Base(t.Name())]
				if tc.group != "" {
					groups = append(slices.Clip(groups), tc.group)
				}
				if tc.set {
					takeVars(t, m, groups)
				}
				if found := findVars(m, nil); len(found) > 0 {
					t.Errorf("stray Vars in %s: %v", buf, found)
				}
				return m
			}
			slogtest.Run(t, newHandler, result)
		})
	}
}

func setAll(t *testing.T) {
	toks := []func(){
		resetter(stRequest, "r-1"),
		resetter(stUser, 42),
		resetter(stSecret, "hunter2"),
		resetter(stTrace, trace{"t1", "s1"}),
	}
	t.Cleanup(func() {
		for _, reset := range slices.Backward(toks) {
			reset()
		}
	})
}

func resetter[T any](v *ctxvar.Var[T], val T) func() {
	tok := v.Set(val)
	return func() { v.Reset(tok) }
}

// takeVars checks that the map at groups in m holds exactly the Vars that
// have a value, and removes them, with the groups they alone made appear.
func takeVars(t *testing.T, m map[string]any, groups []string) {
	t.Helper()
	parents := []map[string]any{m}
	for _, g := range groups {
		sub, ok := parents[len(parents)-1][g].(map[string]any)
		if !ok {
			t.Errorf("no group %q on the path %q in %v", g, groups, m)
			return
		}
		parents = append(parents, sub)
	}
	at := parents[len(parents)-1]
	got := map[string]any{}
	for k, v := range at {
		if strings.HasPrefix(k, "st_") {
			got[k] = v
			delete(at, k)
		}
	}
	if !reflect.DeepEqual(got, stWant) {
		t.Errorf("Vars at %q:\n got %v\nwant %v", groups, got, stWant)
	}
	for i := len(groups) - 1; i >= 0 && len(parents[i+1]) == 0; i-- {
		delete(parents[i], groups[i])
	}
}

// findVars returns the paths in m of keys that name one of the Vars.
func findVars(m map[string]any, prefix []string) []string {
	var found []string
	for k, v := range m {
		if strings.HasPrefix(k, "st_") {
			found = append(found, strings.Join(append(prefix, k), "."))
		}
		if sub, ok := v.(map[string]any); ok {
			found = append(found, findVars(sub, append(slices.Clip(prefix), k))...)
		}
	}
	return found
}

// TestSlogtestTestHandler runs slogtest's other entry point, which logs
// every case through one Handler, so that a WithAttrs or WithGroup that
// changed its receiver would show in the later cases. The Vars are unset:
// TestHandler does not say which case a result is for, which takeVars needs.
func TestSlogtestTestHandler(t *testing.T) {
	var buf bytes.Buffer
	h := ctxvarslog.NewHandler(slog.NewJSONHandler(&buf, nil), ctxvarslog.Vars(stVars...))
	err := slogtest.TestHandler(h, func() []map[string]any {
		return parseLines(t, buf.Bytes())
	})
	if err != nil {
		t.Error(err)
	}
}
