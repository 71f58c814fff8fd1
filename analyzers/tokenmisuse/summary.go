package tokenmisuse

import (
	"go/ast"
	"go/types"
	"slices"

	"github.com/ctxvar/ctxvar/analyzers/internal/guard"
)

// A summary tells what a function does with tokens, for its callers: which
// token parameters it resets, once, on every path to a return, in the
// caller's Context; which result is a token of a Set it makes in the
// caller's Context and leaves live.
type summary struct {
	resets    []int   // parameter indexes, ascending
	resetKeys []int32 // for each, the key of the Var whose Reset it calls, or 0
	names     []string
	makes     int   // the result's index, or -1
	makesKey  int32 // the key of the Var it sets, or 0
	nresults  int
}

// summaryOf returns the summary of fn, or nil when it resets no token
// parameter and returns no token, or when the analyzer cannot tell.
func (c *checker) summaryOf(fn *types.Func) *summary {
	if fn == nil {
		return nil
	}
	fn = fn.Origin()
	if fn.Pkg() == nil || fn.Pkg() == c.api.Pkg {
		return nil
	}
	if s, ok := c.summaries[fn]; ok {
		return s // nil while it is computed: recursion
	}
	if !c.hasTokenParam(fn) && c.tokenResult(fn.Signature()) < 0 {
		c.summaries[fn] = nil
		return nil
	}
	c.summaries[fn] = nil
	var s *summary
	if fn.Pkg() == c.pass.Pkg {
		s = c.computeSummary(fn)
	} else {
		s = c.importSummary(fn)
	}
	c.summaries[fn] = s
	return s
}

// tokenResult returns the index of sig's only token result, or -1. A
// function with named results, which a bare return may return, has none.
func (c *checker) tokenResult(sig *types.Signature) int {
	idx := -1
	res := sig.Results()
	for i := range res.Len() {
		if res.At(i).Name() != "" {
			return -1
		}
		if c.isToken(res.At(i).Type()) {
			if idx >= 0 {
				return -1
			}
			idx = i
		}
	}
	return idx
}

// computeSummary runs the engine over the declaration of fn, a function of
// the package, with its token parameters holding tokens of their own.
func (c *checker) computeSummary(fn *types.Func) *summary {
	decl := c.decls[fn]
	if decl == nil {
		return nil
	}
	sig := fn.Signature()
	units := c.collectUnits(decl)
	if len(units) == 0 || units[0].hasGoto {
		return nil
	}
	u := units[0]
	sr := &summaryRun{result: c.tokenResult(sig), nresults: sig.Results().Len()}
	e := newEngine(c, u, sr)
	s := e.entry()
	var params []int
	var names []string
	i := 0
	for _, f := range decl.Type.Params.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, name := range f.Names {
			if v, ok := c.pass.TypesInfo.Defs[name].(*types.Var); ok && c.isToken(v.Type()) {
				if idx, ok := u.varIdx[v]; ok && u.stable[v] {
					s.toks = append(s.toks, rec{param: int8(i + 1), status: live})
					s.vars[idx] = val(len(s.toks))
					params = append(params, i)
					names = append(names, name.Name)
				}
			}
			i++
		}
	}
	exits := e.run(u.root, u.body, []*state{s}, 0)
	if e.bailed || len(exits) == 0 {
		return nil
	}
	sum := &summary{makes: -1, nresults: sr.nresults}
	for j, p := range params {
		ok, key := true, int32(-1)
		for _, x := range exits {
			r := paramRec(x, p)
			if r == nil || r.status != used || r.usedOutside || r.escaped {
				ok = false
				break
			}
			if key == -1 {
				key = r.usedKey
			} else if key != r.usedKey {
				key = 0
			}
		}
		if ok {
			if key < 0 {
				key = 0
			}
			sum.resets = append(sum.resets, p)
			sum.resetKeys = append(sum.resetKeys, key)
			sum.names = append(sum.names, names[j])
		}
	}
	if sr.result >= 0 {
		ok, key := true, int32(-1)
		for _, x := range exits {
			r := x.tok(x.ret)
			if r == nil || r.param != 0 || r.status != live || r.escaped || r.ctx != 0 {
				ok = false
				break
			}
			if key == -1 {
				key = r.key
			} else if key != r.key {
				key = 0
			}
		}
		if ok {
			if key < 0 || c.keys[key].name == "" {
				key = 0 // a local Var: another at each call
			}
			sum.makes, sum.makesKey = sr.result, key
		}
	}
	if len(sum.resets) == 0 && sum.makes < 0 {
		return nil
	}
	return sum
}

// paramRec returns the token that parameter p held at the entry.
func paramRec(s *state, p int) *rec {
	for i := range s.toks {
		if int(s.toks[i].param) == p+1 {
			return &s.toks[i]
		}
	}
	return nil
}

// importSummary returns the summary of fn, a function of another package,
// from its facts.
func (c *checker) importSummary(fn *types.Func) *summary {
	s := &summary{makes: -1, nresults: fn.Signature().Results().Len()}
	var r Resets
	if c.pass.ImportObjectFact(fn, &r) && len(r.Params) == len(r.Vars) && len(r.Params) == len(r.Shown) {
		s.resets = r.Params
		for i, v := range r.Vars {
			var k int32
			if v != "" {
				k = c.internKey(v, r.Shown[i], r.Shown[i])
			}
			s.resetKeys = append(s.resetKeys, k)
		}
		s.names = r.Names
	}
	var m MakesToken
	if c.pass.ImportObjectFact(fn, &m) && m.Result >= 0 && m.Result < s.nresults {
		s.makes = m.Result
		if m.Var != "" {
			s.makesKey = c.internKey(m.Var, m.Shown, m.Shown)
		}
	}
	if len(s.resets) == 0 && s.makes < 0 {
		return nil
	}
	return s
}

// exportSummaries exports the facts of the package's exported functions
// that reset token parameters or return tokens.
func (c *checker) exportSummaries(at *guard.Position) {
	var fns []*types.Func
	for fn := range c.decls {
		if fn.Exported() && (c.hasTokenParam(fn) || c.tokenResult(fn.Signature()) >= 0) {
			fns = append(fns, fn)
		}
	}
	slices.SortFunc(fns, func(a, b *types.Func) int { return int(a.Pos() - b.Pos()) })
	for _, fn := range fns {
		if ast.IsGenerated(c.fileOf(c.decls[fn])) {
			continue
		}
		at.At(fn.Pos())
		s := c.summaryOf(fn)
		if s == nil {
			continue
		}
		if len(s.resets) > 0 {
			f := &Resets{Params: s.resets, Names: s.names}
			for _, k := range s.resetKeys {
				name, shown := c.exported(k)
				f.Vars = append(f.Vars, name)
				f.Shown = append(f.Shown, shown)
			}
			c.pass.ExportObjectFact(fn, f)
		}
		if s.makes >= 0 {
			name, shown := c.exported(s.makesKey)
			c.pass.ExportObjectFact(fn, &MakesToken{Result: s.makes, Var: name, Shown: shown})
		}
	}
}

// exported returns how a fact names the Var of key k: importpath.Name, and
// as another package shows it; "" for a Var other packages cannot name.
func (c *checker) exported(k int32) (name, shown string) {
	if k == 0 || c.keys[k].name == "" {
		return "", ""
	}
	return c.keys[k].name, c.keys[k].qual
}

// fileOf returns the file that holds n.
func (c *checker) fileOf(n ast.Node) *ast.File {
	for _, f := range c.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() < f.FileEnd {
			return f
		}
	}
	return &ast.File{}
}
