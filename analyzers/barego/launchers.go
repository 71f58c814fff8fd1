package barego

import (
	"fmt"
	"go/token"
	"go/types"
	"maps"
	"strings"
	"sync"
)

// builtinLaunchers are the functions and methods, outside ctxvar, known to
// run a function argument on another goroutine. Keys are in the form
// launcherKey returns.
var builtinLaunchers = map[string]bool{
	"golang.org/x/sync/errgroup.Group.Go":    true,
	"golang.org/x/sync/errgroup.Group.TryGo": true,
	"sync.WaitGroup.Go":                      true,
	"time.AfterFunc":                         true,
	"context.AfterFunc":                      true,
	"testing.T.Run":                          true,
	"testing.B.Run":                          true,
	"runtime.AddCleanup":                     true,
}

// launcherList is the value of the -launchers flag: the launchers users
// add to builtinLaunchers. Analyzer runs read it while a driver may still be
// configuring it, hence the lock.
type launcherList struct {
	mu    sync.RWMutex
	names []string        // as given, for String
	keys  map[string]bool // as launcherKey spells them
}

var extraLaunchers = new(launcherList)

// String returns the launchers added so far, comma-separated.
func (l *launcherList) String() string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return strings.Join(l.names, ",")
}

// Set replaces the added launchers with the comma-separated list s. An empty
// s removes them all. If an entry is malformed, Set changes nothing and
// returns an error naming it.
func (l *launcherList) Set(s string) error {
	entries, err := parseLaunchers(strings.Split(s, ","))
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.names, l.keys = nil, nil
	l.addLocked(entries)
	return nil
}

func (l *launcherList) add(entries []string) error {
	parsed, err := parseLaunchers(entries)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.addLocked(parsed)
	return nil
}

// addLocked adds entries; the keys map is replaced, not changed, so that
// snapshots taken by running passes stay as they were.
func (l *launcherList) addLocked(entries []launcherEntry) {
	keys := maps.Clone(l.keys)
	if keys == nil {
		keys = make(map[string]bool)
	}
	for _, e := range entries {
		if !keys[e.key] {
			keys[e.key] = true
			l.names = append(l.names, e.name)
		}
	}
	l.keys = keys
}

// snapshot returns the added launchers' keys, for one pass to use without
// locking.
func (l *launcherList) snapshot() map[string]bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.keys
}

// AddLaunchers adds functions or methods that run their func-typed arguments
// on another goroutine, as the -launchers flag does, to those barego knows.
// Each name has one of the forms
//
//	importpath.Func
//	(*importpath.Type).Method
//	(importpath.Type).Method
//	importpath.Type.Method
//
// for example "example.com/pool.Submit" or "(*example.com/pool.Pool).Go".
// If a name is malformed, AddLaunchers adds none of them and returns an error
// that names it. It is safe to call before or between analyses, for example
// from a golangci-lint plugin's settings.
func AddLaunchers(names ...string) error {
	return extraLaunchers.add(names)
}

type launcherEntry struct {
	name string // as given
	key  string // as launcherKey spells it
}

// parseLaunchers validates entries and returns the non-empty ones with their
// keys. It fails on the first malformed entry.
func parseLaunchers(entries []string) ([]launcherEntry, error) {
	var out []launcherEntry
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		key, err := parseLauncher(e)
		if err != nil {
			return nil, err
		}
		out = append(out, launcherEntry{name: e, key: key})
	}
	return out, nil
}

// parseLauncher turns a launcher name into the key launcherKey computes for
// the function it names. Keys leave out the receiver's pointer: a type cannot
// have a method of the same name on both T and *T.
//
// The unparenthesized forms importpath.Func and importpath.Type.Method
// cannot always be told apart (an import path's last element may contain
// dots), and need not be: the key is the name itself, and it matches a
// function or method whose key is spelled the same.
func parseLauncher(name string) (string, error) {
	bad := func(why string) error {
		return fmt.Errorf("barego: malformed launcher %q: %s; want importpath.Func, (*importpath.Type).Method or importpath.Type.Method", name, why)
	}
	if strings.ContainsAny(name, " \t\n\"'`,") {
		return "", bad("it contains a space, quote or comma")
	}
	if strings.HasPrefix(name, "(") {
		recv, method, ok := strings.Cut(name[1:], ").")
		if !ok {
			return "", bad(`a parenthesized receiver must be followed by ".Method"`)
		}
		recv = strings.TrimPrefix(recv, "*")
		dot := strings.LastIndex(recv, ".")
		if dot < 0 || dot < strings.LastIndex(recv, "/") {
			return "", bad("the receiver must be importpath.Type")
		}
		path, typ := recv[:dot], recv[dot+1:]
		if !validPath(path) {
			return "", bad("the receiver's import path is empty or malformed")
		}
		if !token.IsIdentifier(typ) {
			return "", bad(fmt.Sprintf("%q is not a type name", typ))
		}
		if !token.IsIdentifier(method) {
			return "", bad(fmt.Sprintf("%q is not a method name", method))
		}
		return path + "." + typ + "." + method, nil
	}
	if strings.ContainsAny(name, "()*") {
		return "", bad("only a receiver may be parenthesized, as in (*importpath.Type).Method")
	}
	dot := strings.LastIndex(name, ".")
	if dot < 0 || dot < strings.LastIndex(name, "/") {
		return "", bad("it has no function name after the import path")
	}
	prefix, fn := name[:dot], name[dot+1:]
	if !token.IsIdentifier(fn) {
		return "", bad(fmt.Sprintf("%q is not a function or method name", fn))
	}
	if !validPath(prefix) {
		return "", bad("the import path is empty or malformed")
	}
	return name, nil
}

// validPath reports whether p can be an import path, possibly followed by
// ".Type": non-empty, with no empty element.
func validPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.HasSuffix(p, ".") || strings.Contains(p, "//") {
		return false
	}
	return !strings.ContainsAny(p, "()*")
}

// launcherKey is how builtinLaunchers and the -launchers flag name fn:
// "importpath.Func" or "importpath.Type.Method". It is empty for methods
// whose receiver is not a named type (interface methods).
func launcherKey(fn *types.Func) string {
	if fn.Pkg() == nil {
		return ""
	}
	sig := fn.Signature()
	if sig.Recv() == nil {
		return fn.Pkg().Path() + "." + fn.Name()
	}
	named := recvNamed(sig.Recv().Type())
	if named == nil {
		return ""
	}
	obj := named.Obj()
	if obj.Pkg() == nil {
		return ""
	}
	return obj.Pkg().Path() + "." + obj.Name() + "." + fn.Name()
}

// recvNamed returns the named type of a method receiver, T or *T.
func recvNamed(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	if n == nil {
		return nil
	}
	if _, isIface := n.Underlying().(*types.Interface); isIface {
		return nil
	}
	return n.Origin()
}

// displayName names fn the way diagnostics show it:
// errgroup.(*Group).Go, time.AfterFunc, pool.Pool.Submit.
func displayName(fn *types.Func) string {
	pkg := ""
	if fn.Pkg() != nil {
		pkg = fn.Pkg().Name() + "."
	}
	sig := fn.Signature()
	if sig.Recv() == nil {
		return pkg + fn.Name()
	}
	rt := sig.Recv().Type()
	ptr := false
	if p, ok := rt.(*types.Pointer); ok {
		rt, ptr = p.Elem(), true
	}
	tname := types.TypeString(rt, func(*types.Package) string { return "" })
	if i := strings.IndexByte(tname, '['); i >= 0 {
		tname = tname[:i]
	}
	if ptr {
		return pkg + "(*" + tname + ")." + fn.Name()
	}
	return pkg + tname + "." + fn.Name()
}
