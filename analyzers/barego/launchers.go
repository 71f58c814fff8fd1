package barego

import (
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"strings"

	"github.com/ctxvar/ctxvar/analyzers/internal/ctxvarapi"
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
	"testing.B.RunParallel":                  true,
	"testing.F.Fuzz":                         true,
	"runtime.AddCleanup":                     true,
}

// builtinParams lists the parameters that builtin launchers run, for those
// that take their function as another type than a function type:
// (*testing.F).Fuzz takes any, as the fuzz target's parameters vary. The
// other launchers, and the configured ones, run their func-typed
// parameters.
var builtinParams = map[string][]int{
	"testing.F.Fuzz": {0},
}

// parseFuncName turns the name of a launcher or spawner into the key
// launcherKey computes for the function it names; its error says what is
// wrong with the name. Keys leave out the receiver's pointer: a type cannot
// have a method of the same name on both T and *T.
//
// The unparenthesized forms importpath.Func and importpath.Type.Method
// cannot always be told apart (an import path's last element may contain
// dots), and need not be: the key is the name itself, and it matches a
// function or method whose key is spelled the same.
func parseFuncName(name string) (string, error) {
	if strings.ContainsAny(name, " \t\n\"'`,") {
		return "", errors.New("it contains a space, quote or comma")
	}
	if strings.HasPrefix(name, "(") {
		recv, method, ok := strings.Cut(name[1:], ").")
		if !ok {
			return "", errors.New(`a parenthesized receiver must be followed by ".Method"`)
		}
		recv = strings.TrimPrefix(recv, "*")
		dot := strings.LastIndex(recv, ".")
		if dot < 0 || dot < strings.LastIndex(recv, "/") {
			return "", errors.New("the receiver must be importpath.Type")
		}
		path, typ := recv[:dot], recv[dot+1:]
		if !validPath(path) {
			return "", errors.New("the receiver's import path is empty or malformed")
		}
		if !token.IsIdentifier(typ) {
			return "", fmt.Errorf("%q is not a type name", typ)
		}
		if !token.IsIdentifier(method) {
			return "", fmt.Errorf("%q is not a method name", method)
		}
		return path + "." + typ + "." + method, nil
	}
	if strings.ContainsAny(name, "()*") {
		return "", errors.New("only a receiver may be parenthesized, as in (*importpath.Type).Method")
	}
	dot := strings.LastIndex(name, ".")
	if dot < 0 || dot < strings.LastIndex(name, "/") {
		return "", errors.New("it has no function name after the import path")
	}
	prefix, fn := name[:dot], name[dot+1:]
	if !token.IsIdentifier(fn) {
		return "", fmt.Errorf("%q is not a function or method name", fn)
	}
	if !validPath(prefix) {
		return "", errors.New("the import path is empty or malformed")
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

// launcherKey is how builtinLaunchers and the settings name fn:
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
func displayName(fn *types.Func) string { return ctxvarapi.DisplayName(fn) }
