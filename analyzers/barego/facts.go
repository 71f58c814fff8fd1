package barego

import (
	"cmp"
	"go/types"
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
//
// ParamReads and ParamSets say the same of the Vars its parameters hold:
// a call reads or sets the Vars its arguments name (see ParamRead). Loop
// is set when the function serves a stream of work on its goroutine (see
// Loop).
type Uses struct {
	Pkg        string      // the function's package: its own Vars print unqualified
	Reads      []Read      // Var reads that may come before any Set of that Var
	ParamReads []ParamRead // reads of Vars its parameters hold, before any Set of them
	Carries    []string    // runtime functions that take the Context along: Copy, Spawn, Bind, ...
	Sets       []VarRef    // Vars it may set
	ParamSets  []ParamVar  // parameters holding a Var that it may set
	SetsAny    bool        // it may set a Var that cannot be identified, or call code that may set any
	Loop       *Loop       // it serves a stream of work, or nil
}

// A ParamVar is a Var that a function reaches through one of its
// parameters: the parameter itself, a *ctxvar.Var[T] (or an interface or
// type parameter that a *ctxvar.Var[T] may be passed to), or a field of
// the struct it holds or points to.
type ParamVar struct {
	Param int    // the parameter's index; -1 for the receiver
	Name  string // the parameter's name, for String
	Path  string // the fields from the parameter to the Var, ".Limits.Burst"; "" for the parameter itself
}

func (p ParamVar) String() string { return "param " + p.Name + p.Path }

// A ParamRead is a read of a Var that a parameter holds. Each call of the
// function binds it to the Var that the call's argument names as barego
// names Vars (a package-level variable, or a field of one or of a
// package-level struct type): go logWith(traceVar) reads traceVar where
// logWith reads its parameter. An argument that names no Var (a local
// variable, a call's result) binds it to nothing, unless Var names it.
type ParamRead struct {
	ParamVar
	Method string // Get, GetOr, Lookup or ValueAny

	// Dynamic is set for a method called through an interface or a type
	// parameter (func read[V interface{ Get() string }](v V)): a call binds
	// it only where its argument is statically a *ctxvar.Var[T], whose
	// method of that name reads the Var.
	Dynamic bool

	// Var names the Var by its field's type, Settings.Region, for a Path:
	// the Var that a call reads whatever its argument, if the argument
	// cannot be named. It is zero when the field cannot be named.
	Var VarRef
}

// A Loop is what a function does that serves a stream of work: a range
// over a channel, or a for statement without a condition that receives
// from a channel, in its own body. A goroutine that runs it outlives any
// one unit of work, so the Context it starts with belongs to none of them.
type Loop struct {
	// Binder is the runtime function that binds a unit of work, when the
	// loop receives functions that one fits: Bind for a func(), BindErr
	// for a func() error, BindArg for a func(A). It is "" otherwise.
	Binder string
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
	if len(u.ParamReads) > 0 {
		var names []string
		for _, r := range u.ParamReads {
			name := r.ParamVar.String() + "." + r.Method
			if r.Dynamic {
				name += " (dynamic)"
			}
			names = append(names, name)
		}
		parts = append(parts, "reads "+strings.Join(names, ", "))
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
	if len(u.ParamSets) > 0 {
		var names []string
		for _, p := range u.ParamSets {
			names = append(names, p.String())
		}
		parts = append(parts, "sets "+strings.Join(names, ", "))
	}
	if u.Loop != nil {
		parts = append(parts, "loops")
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
	preads  []*pRead // reads of Vars that parameters hold
	carries []string
	sets    []VarRef
	psets   []*types.Var // parameters holding a Var that it may set
	setsAny bool
	loop    *Loop // of an imported function: its fact's Loop
}

// A pRead is a read of a Var that a parameter holds: the ParamRead of a
// summary. Its param is a parameter (or receiver) of the function whose
// summary holds it, or of a function around it that it captures from.
type pRead struct {
	param   *types.Var
	path    string // as ParamRead.Path
	method  string
	dynamic bool
	named   Read // for a path: the read of the field's Var named by its type, when it can be named
}

// usesContext reports whether the function reads or carries the Context,
// whatever its arguments: a read through a parameter's fields reads the
// field's Var, whichever value holds it.
func (s *summary) usesContext() bool {
	return s != nil && (len(s.reads) > 0 || len(s.carries) > 0 || slices.ContainsFunc(s.preads, (*pRead).hasNamed))
}

func (r *pRead) hasNamed() bool { return r.named.Var.Name != "" }

// shownReads returns the reads a report names, sorted: the summary's, and
// those of the fields its parameters hold, by their types, for the pReads
// no call bound.
func (s *summary) shownReads() []Read {
	reads := s.sortedReads()
	for _, pr := range s.preads {
		if pr.hasNamed() && !slices.Contains(reads, pr.named) {
			reads = append(reads, pr.named)
		}
	}
	slices.SortFunc(reads, compareRead)
	return reads
}

func (s *summary) empty() bool {
	return s == nil || (!s.usesContext() && len(s.preads) == 0 && len(s.sets) == 0 && len(s.psets) == 0 && !s.setsAny)
}

func (s *summary) addRead(r *Read) bool {
	if slices.ContainsFunc(s.reads, func(q *Read) bool { return *q == *r }) {
		return false
	}
	s.reads = append(s.reads, r)
	return true
}

func (s *summary) addPRead(r *pRead) bool {
	if slices.ContainsFunc(s.preads, func(q *pRead) bool { return *q == *r }) {
		return false
	}
	s.preads = append(s.preads, r)
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

func (s *summary) addPSet(p *types.Var) bool {
	if slices.Contains(s.psets, p) {
		return false
	}
	s.psets = append(s.psets, p)
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

// fact returns the Uses fact of fn's summary s, whose parameters index
// tells.
func (s *summary) fact(pkg string, index func(*types.Var) int) *Uses {
	u := &Uses{Pkg: pkg, Reads: s.sortedReads(), Carries: s.sortedCarries(), SetsAny: s.setsAny}
	u.Sets = slices.Clone(s.sets)
	slices.SortFunc(u.Sets, compareVarRef)
	for _, r := range s.preads {
		u.ParamReads = append(u.ParamReads, ParamRead{
			ParamVar: ParamVar{Param: index(r.param), Name: r.param.Name(), Path: r.path},
			Method:   r.method,
			Dynamic:  r.dynamic,
			Var:      r.named.Var,
		})
	}
	slices.SortFunc(u.ParamReads, func(a, b ParamRead) int {
		return cmp.Or(cmp.Compare(a.Param, b.Param), cmp.Compare(a.Path, b.Path), cmp.Compare(a.Method, b.Method), boolCompare(a.Dynamic, b.Dynamic))
	})
	for _, p := range s.psets {
		u.ParamSets = append(u.ParamSets, ParamVar{Param: index(p), Name: p.Name()})
	}
	slices.SortFunc(u.ParamSets, func(a, b ParamVar) int { return cmp.Compare(a.Param, b.Param) })
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

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// summaryOf returns the summary of fn's Uses fact u.
func summaryOf(u *Uses, fn *types.Func) *summary {
	var reads []*Read
	if len(u.Reads) > 0 {
		reads = make([]*Read, len(u.Reads))
		for i := range u.Reads {
			reads[i] = &u.Reads[i]
		}
	}
	s := &summary{reads: reads, carries: u.Carries, sets: u.Sets, setsAny: u.SetsAny, loop: u.Loop}
	for _, r := range u.ParamReads {
		p := paramAt(fn, r.Param)
		if p == nil {
			continue
		}
		pr := &pRead{param: p, path: r.Path, method: r.Method, dynamic: r.Dynamic}
		if r.Var.Name != "" {
			pr.named = Read{Var: r.Var, Method: r.Method}
		}
		s.preads = append(s.preads, pr)
	}
	for _, ps := range u.ParamSets {
		if p := paramAt(fn, ps.Param); p != nil {
			s.psets = append(s.psets, p)
		} else {
			s.setsAny = true
		}
	}
	return s
}

// paramAt returns fn's parameter i, or its receiver for -1.
func paramAt(fn *types.Func, i int) *types.Var {
	sig := fn.Signature()
	if i == -1 {
		return sig.Recv()
	}
	if i < 0 || i >= sig.Params().Len() {
		return nil
	}
	return sig.Params().At(i)
}
