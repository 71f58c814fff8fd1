package barego

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// A VarRef identifies a Var across packages: a package-level variable, or a
// field of a package-level named struct type (Name is then "Type.field",
// whatever value of the type holds the field).
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

// A Read is a call of one of a Var's reading methods, or a call of log/slog
// that a ctxvarslog handler turns into one.
type Read struct {
	Var    VarRef
	Method string // Get, GetOr, Lookup or ValueAny; "" for a Read of a log call

	// Log names the log/slog function or method whose records a ctxvarslog
	// handler adds the Var to (slog.Info, slog.(*Logger).Info), for a Read
	// of a log call; it is "" for a call of the Var's method.
	Log string

	// Via names the Var as the code that reads it does, when that is not
	// as Var does: a field of a package-level struct variable is read
	// through the variable (Config.Region, Var being Settings.Region).
	// It is zero otherwise.
	Via VarRef
}

// name returns the Var as the code that reads it names it.
func (r Read) name() VarRef {
	if r.Via.Name != "" {
		return r.Via
	}
	return r.Var
}

// compareRead orders reads by the names they show.
func compareRead(a, b Read) int {
	return cmp.Or(cmp.Compare(a.Log, b.Log), compareVarRef(a.name(), b.name()), cmp.Compare(a.Method, b.Method), compareVarRef(a.Var, b.Var))
}

// Uses is the fact of a function that uses the Context of the goroutine that
// calls it, directly or through the functions it calls: it reads Vars that it
// has not set first (logging through log/slog reads the Vars of a ctxvarslog
// handler, where its package sees one built: see SlogHandler), or it carries
// the Context elsewhere. A goroutine that starts in such a function needs its
// parent's Context.
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
	calls, logs := splitReads(u.Reads)
	if len(calls) > 0 {
		parts = append(parts, "reads "+joinReads(calls, u.Pkg, ", "))
	}
	for _, g := range groupLogs(logs, u.Pkg) {
		parts = append(parts, g.log+" logs "+strings.Join(g.vars, ", "))
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
		names = append(names, r.name().in(pkg)+"."+r.Method)
	}
	return strings.Join(names, sep)
}

// splitReads splits sorted reads into the calls of Var methods and the
// reads of log calls, keeping their order.
func splitReads(reads []Read) (calls, logs []Read) {
	for _, r := range reads {
		if r.Log == "" {
			calls = append(calls, r)
		} else {
			logs = append(logs, r)
		}
	}
	return calls, logs
}

// A logGroup is a log function and the Vars its calls log without, as code
// in a package names them.
type logGroup struct {
	log  string
	vars []string
}

// groupLogs groups the reads of log calls, sorted by compareRead, by log
// function.
func groupLogs(logs []Read, pkg string) []logGroup {
	var groups []logGroup
	for _, r := range logs {
		if len(groups) == 0 || groups[len(groups)-1].log != r.Log {
			groups = append(groups, logGroup{log: r.Log})
		}
		g := &groups[len(groups)-1]
		if name := r.name().in(pkg); !slices.Contains(g.vars, name) {
			g.vars = append(g.vars, name)
		}
	}
	return groups
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
// analysis builds it; Uses is its exported form. Its lists have no
// duplicates and are short, a few Vars, so they are searched linearly;
// those of a summary made from a fact share the fact's slices, or point
// into them, and never grow. A summary holds its reads by pointer: they
// are those of the actions and facts they come from, which never change,
// and they go from summary to summary.
type summary struct {
	reads   []*Read
	carries []string
	sets    []VarRef
	setsAny bool
}

func (s *summary) usesContext() bool {
	return s != nil && (len(s.reads) > 0 || len(s.carries) > 0)
}

func (s *summary) empty() bool {
	return s == nil || (!s.usesContext() && len(s.sets) == 0 && !s.setsAny)
}

func (s *summary) addRead(r *Read) bool {
	if slices.ContainsFunc(s.reads, func(q *Read) bool { return *q == *r }) {
		return false
	}
	s.reads = append(s.reads, r)
	return true
}

func (s *summary) addCarry(c string) bool {
	if slices.Contains(s.carries, c) {
		return false
	}
	s.carries = append(s.carries, c)
	return true
}

func (s *summary) addSet(v VarRef) bool {
	if slices.Contains(s.sets, v) {
		return false
	}
	s.sets = append(s.sets, v)
	return true
}

func (s *summary) sortedReads() []Read {
	reads := make([]Read, len(s.reads))
	for i, r := range s.reads {
		reads[i] = *r
	}
	slices.SortFunc(reads, compareRead)
	return reads
}

func (s *summary) sortedCarries() []string {
	carries := slices.Clone(s.carries)
	slices.Sort(carries)
	return carries
}

func (s *summary) fact(pkg string) *Uses {
	u := &Uses{Pkg: pkg, Reads: s.sortedReads(), Carries: s.sortedCarries(), SetsAny: s.setsAny}
	u.Sets = slices.Clone(s.sets)
	slices.SortFunc(u.Sets, compareVarRef)
	if len(u.Reads) == 0 {
		u.Reads = nil
	}
	if len(u.Carries) == 0 {
		u.Carries = nil
	}
	if len(u.Sets) == 0 {
		u.Sets = nil
	}
	return u
}

func summaryOf(u *Uses) *summary {
	var reads []*Read
	if len(u.Reads) > 0 {
		reads = make([]*Read, len(u.Reads))
		for i := range u.Reads {
			reads[i] = &u.Reads[i]
		}
	}
	return &summary{reads: reads, carries: u.Carries, sets: u.Sets, setsAny: u.SetsAny}
}
