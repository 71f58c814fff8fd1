package losttoken

import (
	"fmt"
	"slices"
	"strings"
)

// Helper is the fact of a function or method that hands its caller what
// undoes a Set it made: the token of the Set (a token helper, such as
// func enter(t string) *ctxvar.Token[string] { return tenant.Set(t) }), or a
// func() that resets that token (a restore helper). Its callers must keep
// that result as they keep the token of a Set.
type Helper struct {
	Pkg     string   // the helper's package, whose Vars String does not qualify
	Results []Result // in the order of the results, at least one
}

// AFact implements analysis.Fact.
func (*Helper) AFact() {}

func (h *Helper) String() string {
	var parts []string
	for _, r := range h.Results {
		var s string
		if r.Restore {
			s = "returns a func that resets the token of " + r.Var.setName(h.Pkg)
		} else {
			s = "returns the token of " + r.Var.setName(h.Pkg)
		}
		if len(h.Results) > 1 || r.Index > 0 {
			s = fmt.Sprintf("result %d %s", r.Index+1, s)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// result returns the helper's Result of index i, or nil.
func (h *Helper) result(i int) *Result {
	for j := range h.Results {
		if h.Results[j].Index == i {
			return &h.Results[j]
		}
	}
	return nil
}

// A Result is one result of a helper that holds the token of a Set the
// helper made, or a func() that resets it.
type Result struct {
	Index   int    // of the result among the function's results, from 0
	Restore bool   // a func() that resets the token, rather than the token
	Var     VarRef // the Var that the Set sets, where every return agrees on it
}

// A Root tells where the Var that a helper sets comes from.
type Root int

const (
	RootUnknown Root = iota // the helper's returns do not agree, or the Var is no plain reference
	RootGlobal              // a package-level variable
	RootParam               // a parameter of the helper, never assigned in its body
	RootRecv                // the receiver of the helper, never assigned in its body
)

// A VarRef is how a helper names the Var it sets: a package-level variable,
// a parameter or the receiver, followed by field selections (Config.Region,
// s.current). A caller names a parameter's Var by its argument.
type VarRef struct {
	Root    Root
	Pkg     string   // RootGlobal: import path of the variable's package
	PkgName string   // RootGlobal: that package's name
	Name    string   // the variable, parameter or receiver
	Param   int      // RootParam: index of the parameter, from 0
	Fields  []string // field selections from the root
}

func (r VarRef) known() bool { return r.Root != RootUnknown }

func (r VarRef) equal(s VarRef) bool {
	return r.Root == s.Root && r.Pkg == s.Pkg && r.Name == s.Name && r.Param == s.Param && slices.Equal(r.Fields, s.Fields)
}

// withField returns r followed by the selection of field f.
func (r VarRef) withField(f string) VarRef {
	if !r.known() {
		return r
	}
	r.Fields = append(slices.Clip(r.Fields), f)
	return r
}

// withFields returns r followed by the selections of fields.
func (r VarRef) withFields(fields []string) VarRef {
	for _, f := range fields {
		r = r.withField(f)
	}
	return r
}

// setName names the Set for the fact's String, in package pkg:
// tenant.Set, base.Region.Set, p.v.Set or "a Set".
func (r VarRef) setName(pkg string) string {
	if !r.known() {
		return "a Set"
	}
	name := r.Name
	if r.Root == RootGlobal && r.Pkg != pkg {
		name = r.PkgName + "." + name
	}
	return strings.Join(append([]string{name}, r.Fields...), ".") + ".Set"
}

// merge combines the Vars of two returns: they must agree.
func merge(a VarRef, first bool, b VarRef) VarRef {
	if first || a.equal(b) {
		return b
	}
	return VarRef{}
}
