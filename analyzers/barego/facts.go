package barego

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// A VarRef identifies a Var across packages: a package-level variable, or a
// field of a package-level named struct type (Name is then "Type.field").
type VarRef struct {
	Pkg     string // import path of the declaring package
	PkgName string // its name, to qualify the Var outside that package
	Name    string
}

// in returns how code in package path spells the Var.
func (v VarRef) in(path string) string {
	if v.Pkg == path {
		return v.Name
	}
	return v.PkgName + "." + v.Name
}

func compareVarRef(a, b VarRef) int {
	return cmp.Or(cmp.Compare(a.Pkg, b.Pkg), cmp.Compare(a.Name, b.Name))
}

// A Read is a call of one of a Var's reading methods.
type Read struct {
	Var    VarRef
	Method string // Get, GetOr or Lookup
}

func compareRead(a, b Read) int {
	return cmp.Or(compareVarRef(a.Var, b.Var), cmp.Compare(a.Method, b.Method))
}

// Uses is the fact of a function that uses the Context of the goroutine that
// calls it, directly or through the functions it calls: it reads Vars that it
// has not set first, or it carries the Context elsewhere. A goroutine that
// starts in such a function needs its parent's Context.
//
// Sets lists the Vars the function may set, so that a caller that reads a
// Var after calling it does not count as reading it empty.
type Uses struct {
	Pkg     string   // the function's package: its own Vars print unqualified
	Reads   []Read   // Var reads that may come before any Set of that Var
	Carries []string // runtime functions that take the Context along: Copy, Spawn, Bind, ...
	Sets    []VarRef // Vars it may set
	SetsAny bool     // it may set a Var that cannot be identified, or call code that may set any
}

// AFact implements analysis.Fact.
func (*Uses) AFact() {}

func (u *Uses) String() string {
	var parts []string
	if len(u.Reads) > 0 {
		parts = append(parts, "reads "+joinReads(u.Reads, u.Pkg, ", "))
	}
	if len(u.Carries) > 0 {
		parts = append(parts, "carries "+joinCarries(u.Carries, ", "))
	}
	if len(u.Sets) > 0 || u.SetsAny {
		var names []string
		for _, v := range u.Sets {
			names = append(names, v.in(u.Pkg))
		}
		if u.SetsAny {
			names = append(names, "any Var")
		}
		parts = append(parts, "sets "+strings.Join(names, ", "))
	}
	return strings.Join(parts, "; ")
}

func joinReads(reads []Read, pkg, sep string) string {
	var names []string
	for _, r := range reads {
		names = append(names, r.Var.in(pkg)+"."+r.Method)
	}
	return strings.Join(names, sep)
}

func joinCarries(carries []string, sep string) string {
	var names []string
	for _, c := range carries {
		names = append(names, "ctxvar."+c)
	}
	return strings.Join(names, sep)
}

// Launcher is the fact of a function that runs some of its func parameters
// on another goroutine without the caller's Context: by a go statement, or by
// handing them to another launcher. Calls of it are checked like go
// statements.
type Launcher struct {
	Params []int    // indexes of those parameters, receiver not counted, ascending
	Names  []string // their names, for String
}

// AFact implements analysis.Fact.
func (*Launcher) AFact() {}

func (l *Launcher) String() string {
	return "runs " + paramList(l.Params, l.Names) + " on another goroutine"
}

// Binder is the fact of a function that hands some of its func parameters to
// ctxvar.Spawn, Bind, BindErr or BindArg (or to another Binder), so that they
// run in the caller's Context: it is a Spawn, and calls of it are fine.
type Binder struct {
	Params []int
	Names  []string
}

// AFact implements analysis.Fact.
func (*Binder) AFact() {}

func (b *Binder) String() string {
	return "binds " + paramList(b.Params, b.Names) + " to the caller's Context"
}

func paramList(idx []int, names []string) string {
	var out []string
	for i, p := range idx {
		name := "#" + strconv.Itoa(p)
		if i < len(names) && names[i] != "" && names[i] != "_" {
			name = names[i]
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}

// summary is a function's use of its goroutine's Context, as the package
// analysis builds it; Uses is its exported form.
type summary struct {
	reads   map[Read]bool
	carries map[string]bool
	sets    map[VarRef]bool
	setsAny bool
}

func (s *summary) usesContext() bool {
	return s != nil && (len(s.reads) > 0 || len(s.carries) > 0)
}

func (s *summary) empty() bool {
	return s == nil || (!s.usesContext() && len(s.sets) == 0 && !s.setsAny)
}

func (s *summary) addRead(r Read) bool {
	if s.reads[r] {
		return false
	}
	if s.reads == nil {
		s.reads = make(map[Read]bool)
	}
	s.reads[r] = true
	return true
}

func (s *summary) addCarry(c string) bool {
	if s.carries[c] {
		return false
	}
	if s.carries == nil {
		s.carries = make(map[string]bool)
	}
	s.carries[c] = true
	return true
}

func (s *summary) addSet(v VarRef) bool {
	if s.sets[v] {
		return false
	}
	if s.sets == nil {
		s.sets = make(map[VarRef]bool)
	}
	s.sets[v] = true
	return true
}

func (s *summary) sortedReads() []Read {
	reads := make([]Read, 0, len(s.reads))
	for r := range s.reads {
		reads = append(reads, r)
	}
	slices.SortFunc(reads, compareRead)
	return reads
}

func (s *summary) sortedCarries() []string {
	carries := make([]string, 0, len(s.carries))
	for c := range s.carries {
		carries = append(carries, c)
	}
	slices.Sort(carries)
	return carries
}

func (s *summary) fact(pkg string) *Uses {
	u := &Uses{Pkg: pkg, Reads: s.sortedReads(), Carries: s.sortedCarries(), SetsAny: s.setsAny}
	for v := range s.sets {
		u.Sets = append(u.Sets, v)
	}
	slices.SortFunc(u.Sets, compareVarRef)
	if len(u.Reads) == 0 {
		u.Reads = nil
	}
	if len(u.Carries) == 0 {
		u.Carries = nil
	}
	return u
}

func summaryOf(u *Uses) *summary {
	s := &summary{setsAny: u.SetsAny}
	for _, r := range u.Reads {
		s.addRead(r)
	}
	for _, c := range u.Carries {
		s.addCarry(c)
	}
	for _, v := range u.Sets {
		s.addSet(v)
	}
	return s
}
