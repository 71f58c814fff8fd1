package lsp

import (
	"encoding/json"
	"fmt"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// The worker goroutine owns the workspace: it takes the changes the
// handlers recorded, checks and analyzes the packages they affect, and
// publishes the open files' diagnostics. A run that a newer change makes
// stale stops between packages and leaves its changes for the next run.

func (s *server) worker() {
	defer close(s.done)
	for range s.kick {
		s.run()
	}
}

// A job is what one run works on, taken from the server under its lock.
type job struct {
	gen      uint64
	files    []string
	saved    map[string]bool // files opened or saved, among files
	load     bool
	root     string
	overlay  map[string][]byte
	versions map[string]int32
}

func (s *server) run() {
	s.mu.Lock()
	if s.stopping || s.doneGen == s.gen {
		s.mu.Unlock()
		return
	}
	j := &job{
		gen:      s.gen,
		files:    slices.Sorted(maps.Keys(s.pendingFiles)),
		saved:    s.pendingSaved,
		load:     s.pendingLoad,
		root:     s.rootDir,
		overlay:  make(map[string][]byte),
		versions: make(map[string]int32),
	}
	for name, doc := range s.overlays {
		j.overlay[name] = doc.text
		j.versions[name] = doc.version
	}
	s.pendingFiles = make(map[string]bool)
	s.pendingSaved = make(map[string]bool)
	s.pendingLoad = false
	s.mu.Unlock()

	stale := func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.gen != j.gen || s.stopping
	}
	finished := func() (finished bool) {
		defer func() {
			if r := recover(); r != nil {
				s.logf(LogError, "internal error analyzing: %v\n%s", r, debug.Stack())
				s.ws = nil // its state is unknown: start afresh next time
				finished = true
			}
		}()
		return s.analyzeJob(j, stale)
	}()

	s.mu.Lock()
	defer s.mu.Unlock()
	if !finished {
		for _, f := range j.files {
			s.pendingFiles[f] = true
		}
		for f := range j.saved {
			s.pendingSaved[f] = true
		}
		s.pendingLoad = s.pendingLoad || j.load
		return
	}
	if s.ws == nil && j.root != "" {
		s.pendingLoad = true // retry the load with the next change
	}
	s.doneGen = j.gen
	s.changed.Broadcast()
}

// analyzeJob brings the workspace up to date with j and publishes the
// diagnostics. It returns false if it stopped because j became stale.
func (s *server) analyzeJob(j *job, stale func() bool) bool {
	if s.ws == nil {
		s.ws = s.openWorkspace(j)
		if s.ws == nil {
			return true
		}
		j.load = true
	}
	ws := s.ws
	var goFiles []string
	for _, f := range j.files {
		if base := filepath.Base(f); base == "go.mod" || base == "go.work" {
			j.load = true // saved or watched: the requirements changed
		}
		if !strings.HasSuffix(f, ".go") {
			continue
		}
		if !ws.contains(f) {
			if _, open := j.overlay[f]; open {
				s.logOnce(LogInfo, "%s is outside the module in %s: ctxvarlint does not analyze it", f, ws.dir)
			}
			continue
		}
		goFiles = append(goFiles, f)
		if _, listed := ws.byFile[f]; !listed && (!ws.unlisted[f] || j.saved[f]) {
			if _, open := j.overlay[f]; open || fileExists(f) {
				// A new file, or one the last listing left out, whose
				// build constraints may say otherwise now.
				j.load = true
			}
		}
	}

	if j.load {
		// Go.mod or the set of files changed: an import that could not be
		// resolved may resolve now.
		clear(ws.missing)
	}
	var fresh []*pkg
	for attempt := 0; ; attempt++ {
		if j.load {
			changed, err := ws.reload(j.overlay)
			if err != nil {
				s.logf(LogError, "%v", err)
				s.mu.Lock()
				s.pendingLoad = true // try again with the next change
				s.mu.Unlock()
				return true
			}
			fresh = append(fresh, changed...)
			j.load = false
			for _, f := range goFiles {
				if _, open := j.overlay[f]; open && ws.byFile[f] == nil {
					ws.unlisted[f] = true
					s.logOnce(LogInfo, "%s belongs to no package of the module (build constraints, or a testdata or underscore directory): ctxvarlint does not analyze it", f)
				}
			}
		}
		affected := ws.affected(goFiles, fresh)
		needLoad := false
		for _, p := range affected {
			if stale() {
				return false
			}
			if missing := ws.check(p, j.overlay); len(missing) > 0 && attempt == 0 {
				for _, path := range missing {
					if !ws.missing[path] {
						ws.missing[path] = true
						needLoad = true
					}
				}
			}
			if needLoad {
				break // list the packages again, with the new import
			}
			for _, err := range ws.analyze(p, s.analyzers, s.reported) {
				s.logOnce(LogError, "package %s: %v", p.meta.PkgPath, err)
			}
			if p.inModule() && len(p.errors) > 0 {
				s.logOnce(LogInfo, "package %s has errors, so only some analyzers ran on it; the first: %v", p.meta.ID, p.errors[0])
			}
		}
		if needLoad {
			j.load = true
			continue
		}
		s.publish(j, affected)
		return true
	}
}

// openWorkspace finds the module of the workspace root, or else of a file
// that was opened, and returns its workspace, or nil if there is none.
func (s *server) openWorkspace(j *job) *workspace {
	var starts []string
	if j.root != "" {
		starts = append(starts, j.root)
	}
	for _, f := range j.files {
		if _, open := j.overlay[f]; open {
			starts = append(starts, filepath.Dir(f))
		}
	}
	for _, dir := range starts {
		if mod := findModule(dir); mod != "" {
			return newWorkspace(mod, s.env, s.logf)
		}
	}
	for _, f := range j.files {
		if _, open := j.overlay[f]; open {
			s.logOnce(LogWarning, "%s is not in a Go module: ctxvarlint analyzes the files of a module", f)
		}
	}
	return nil
}

// findModule returns the directory of the go.mod file that governs dir.
func findModule(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if fi, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

// publish records the diagnostics of the files of the affected packages
// and publishes those of the open files that changed, or whose diagnostics
// did.
func (s *server) publish(j *job, affected []*pkg) {
	ws := s.ws
	files := make(map[string]bool)
	for _, p := range affected {
		if p.inModule() {
			for _, f := range p.meta.CompiledGoFiles {
				files[f] = true
			}
		}
	}
	explicit := make(map[string]bool)
	for _, f := range j.files {
		explicit[f] = true
		if ws.byFile[f] != nil {
			files[f] = true
		}
	}
	type pub struct {
		params *PublishDiagnosticsParams
		key    string
	}
	var pubs []pub
	s.mu.Lock()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		diags := ws.diagnostics(name)
		s.results[name] = diags
		version, open := j.versions[name]
		if _, still := s.overlays[name]; !open || !still {
			continue
		}
		params := &PublishDiagnosticsParams{URI: fileURI(name), Version: &version, Diagnostics: make([]Diagnostic, len(diags))}
		for i, d := range diags {
			params.Diagnostics[i] = d.Diagnostic
		}
		data, _ := json.Marshal(params.Diagnostics)
		if !explicit[name] && s.published[name] == string(data) {
			continue
		}
		s.published[name] = string(data)
		pubs = append(pubs, pub{params, name})
	}
	s.mu.Unlock()
	for _, p := range pubs {
		s.notify("textDocument/publishDiagnostics", p.params)
	}
}

// diagnostics returns the findings in a file, from every package it
// belongs to (a package and its test variant both hold its files), without
// duplicates.
func (w *workspace) diagnostics(name string) []diagnostic {
	var out []diagnostic
	seen := make(map[string]bool)
	for _, p := range w.byFile[name] {
		if !p.inModule() || !p.checked {
			continue
		}
		for _, f := range p.findings {
			if w.fileName(f.diag.Pos) != name {
				continue
			}
			d, ok := w.convert(f)
			if !ok {
				continue
			}
			key := fmt.Sprintf("%v %s %s", d.Range, d.Code, d.Message)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, d)
		}
	}
	sortDiagnostics(out)
	return out
}

// fileName returns the name of the file that holds pos, ignoring //line
// directives.
func (w *workspace) fileName(pos token.Pos) string {
	if f := w.fset.File(pos); f != nil {
		return f.Name()
	}
	return ""
}

// location returns the file and range of [pos, end).
func (w *workspace) location(pos, end token.Pos) (string, Range, bool) {
	tf := w.fset.File(pos)
	if tf == nil {
		return "", Range{}, false
	}
	pf := w.parsed[tf.Name()]
	if pf == nil || pf.mapper == nil || tf.Size() != len(pf.content) {
		return "", Range{}, false
	}
	if !end.IsValid() || w.fset.File(end) != tf || end < pos {
		end = pos
	}
	return tf.Name(), pf.mapper.rangeOf(tf.Offset(pos), tf.Offset(end)), true
}

// convert turns an analyzer's diagnostic into an LSP one.
func (w *workspace) convert(f finding) (diagnostic, bool) {
	a, d := f.analyzer, f.diag
	_, rng, ok := w.location(d.Pos, d.End)
	if !ok {
		return diagnostic{}, false
	}
	ld := Diagnostic{
		Range:    rng,
		Severity: SeverityWarning,
		Code:     a.Name,
		Source:   "ctxvarlint",
		Message:  d.Message,
	}
	if a.URL != "" {
		ld.CodeDescription = &CodeDescription{Href: a.URL}
	}
	for _, r := range d.Related {
		if rname, rrng, ok := w.location(r.Pos, r.End); ok {
			ld.RelatedInformation = append(ld.RelatedInformation, DiagnosticRelatedInformation{
				Location: Location{URI: fileURI(rname), Range: rrng},
				Message:  r.Message,
			})
		}
	}
	out := diagnostic{Diagnostic: ld}
	for _, fix := range d.SuggestedFixes {
		edit, ok := w.workspaceEdit(fix)
		if !ok {
			continue
		}
		out.fixes = append(out.fixes, CodeAction{
			Title:       fix.Message,
			Kind:        "quickfix",
			Diagnostics: []Diagnostic{ld},
			IsPreferred: len(d.SuggestedFixes) == 1,
			Edit:        edit,
		})
	}
	return out, true
}

// workspaceEdit turns a suggested fix into a WorkspaceEdit, or reports
// false if an edit is outside the files the workspace knows.
func (w *workspace) workspaceEdit(fix analysis.SuggestedFix) (*WorkspaceEdit, bool) {
	edit := &WorkspaceEdit{Changes: make(map[DocumentURI][]TextEdit)}
	for _, te := range fix.TextEdits {
		end := te.End
		if !end.IsValid() {
			end = te.Pos
		}
		name, rng, ok := w.location(te.Pos, end)
		if !ok {
			return nil, false
		}
		uri := fileURI(name)
		edit.Changes[uri] = append(edit.Changes[uri], TextEdit{Range: rng, NewText: string(te.NewText)})
	}
	return edit, true
}
