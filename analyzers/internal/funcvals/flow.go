package funcvals

import (
	"go/ast"
	"go/token"
	"slices"

	"golang.org/x/tools/go/cfg"
)

// A graph is a function's control-flow graph, with what a search for the
// assignments that reach a point needs.
type graph struct {
	cfg   *cfg.CFG
	preds [][]*cfg.Block // by block index
	where map[ast.Node]nodeAt
}

type nodeAt struct{ block, index int }

func (fn *fnode) flowGraph() *graph {
	if fn.graph != nil {
		return fn.graph
	}
	// Every call may return: more paths reach more assignments, which
	// only makes a list of values longer.
	g := &graph{cfg: cfg.New(fn.body, func(*ast.CallExpr) bool { return true })}
	g.preds = make([][]*cfg.Block, len(g.cfg.Blocks))
	g.where = make(map[ast.Node]nodeAt)
	for _, b := range g.cfg.Blocks {
		for _, s := range b.Succs {
			g.preds[s.Index] = append(g.preds[s.Index], b)
		}
		for i, n := range b.Nodes {
			g.where[n] = nodeAt{int(b.Index), i}
		}
	}
	fn.graph = g
	return g
}

// locate returns the innermost node of the graph that holds pos.
func (g *graph) locate(pos token.Pos) (nodeAt, bool) {
	var best ast.Node
	var at nodeAt
	for n, w := range g.where {
		if encloses(n, pos) && (best == nil || n.Pos() > best.Pos() || n.Pos() == best.Pos() && n.End() < best.End()) {
			best, at = n, w
		}
	}
	return at, best != nil
}

// reaching returns the assignments of l, all in l's function, that may
// reach use, a read of it in that function: on each path back from use,
// the first assignment met. It fails when it cannot place an assignment
// or use in the graph, or no assignment reaches use.
func (rt *root) reaching(l *local, use *ast.Ident) ([]*def, bool) {
	g := rt.funcs[l.fn].flowGraph()
	defAt := make(map[ast.Node]*def, len(l.defs))
	for _, d := range l.defs {
		if _, ok := g.where[d.node]; !ok {
			return nil, false
		}
		defAt[d.node] = d
	}
	start, ok := g.locate(use.Pos())
	if !ok {
		return nil, false
	}
	var found []*def
	add := func(d *def) {
		for _, f := range found {
			if f == d {
				return
			}
		}
		found = append(found, d)
	}
	// scan looks through nodes [0, end) of block b from the last, and
	// reports whether it met an assignment.
	scan := func(b, end int) bool {
		nodes := g.cfg.Blocks[b].Nodes
		for i := end - 1; i >= 0; i-- {
			if d := defAt[nodes[i]]; d != nil {
				add(d)
				return true
			}
		}
		return false
	}
	visited := make([]bool, len(g.cfg.Blocks))
	var work []*cfg.Block
	if !scan(start.block, start.index) {
		work = append(work, g.preds[start.block]...)
	}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if visited[b.Index] {
			continue
		}
		visited[b.Index] = true
		if !scan(int(b.Index), len(b.Nodes)) {
			work = append(work, g.preds[b.Index]...)
		}
	}
	slices.SortFunc(found, func(a, b *def) int { return int(a.node.Pos()) - int(b.node.Pos()) })
	return found, len(found) > 0
}
