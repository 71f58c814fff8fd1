package lsp

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// The notifications that keep the server's copy of the open documents, and
// of the files on disk, up to date. Each records the files it changed and
// schedules a run of the worker: at once for open, save and close, after
// the debounce for a change.

func (s *server) didOpen(params json.RawMessage) error {
	var p DidOpenTextDocumentParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return rerr
	}
	name, err := filename(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.overlays[name] = &document{version: p.TextDocument.Version, text: []byte(p.TextDocument.Text)}
	s.touch(name)
	s.pendingSaved[name] = true
	s.mu.Unlock()
	s.schedule(0)
	return nil
}

func (s *server) didChange(params json.RawMessage) error {
	var p DidChangeTextDocumentParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return rerr
	}
	name, err := filename(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	doc := s.overlays[name]
	if doc == nil {
		return fmt.Errorf("change of %s, which is not open", name)
	}
	text := doc.text
	for _, ch := range p.ContentChanges {
		text, err = applyChange(text, ch)
		if err != nil {
			return fmt.Errorf("change of %s: %v", name, err)
		}
	}
	s.overlays[name] = &document{version: p.TextDocument.Version, text: text}
	s.touch(name)
	s.scheduleLocked(s.debounce)
	return nil
}

func (s *server) didSave(params json.RawMessage) error {
	var p DidSaveTextDocumentParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return rerr
	}
	name, err := filename(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if p.Text != nil && s.overlays[name] != nil {
		s.overlays[name].text = []byte(*p.Text)
	}
	s.touch(name)
	s.pendingSaved[name] = true
	s.mu.Unlock()
	s.schedule(0)
	return nil
}

func (s *server) didClose(params json.RawMessage) error {
	var p DidCloseTextDocumentParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return rerr
	}
	name, err := filename(p.TextDocument.URI)
	if err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.overlays, name)
	s.touch(name)
	s.mu.Unlock()
	s.clearDiagnostics(name)
	s.schedule(0)
	return nil
}

func (s *server) didChangeWatchedFiles(params json.RawMessage) error {
	var p DidChangeWatchedFilesParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return rerr
	}
	var deleted []string
	s.mu.Lock()
	for _, ev := range p.Changes {
		name, err := filename(ev.URI)
		if err != nil {
			continue
		}
		switch base := filepath.Base(name); {
		case ev.Type == FileCreated, ev.Type == FileDeleted,
			base == "go.mod", base == "go.sum", base == "go.work":
			s.pendingLoad = true
		}
		if ev.Type == FileDeleted {
			// The file is gone: its buffer, if the editor keeps one, no
			// longer stands for a file of the package.
			delete(s.overlays, name)
			deleted = append(deleted, name)
		}
		s.touch(name)
	}
	s.mu.Unlock()
	for _, name := range deleted {
		s.clearDiagnostics(name)
	}
	s.schedule(0)
	return nil
}

// touch records a change of a file; s.mu is held.
func (s *server) touch(name string) {
	s.pendingFiles[name] = true
	s.gen++
}

// schedule asks the worker to run after delay.
func (s *server) schedule(delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scheduleLocked(delay)
}

func (s *server) scheduleLocked(delay time.Duration) {
	if s.stopping {
		return
	}
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if delay <= 0 {
		s.wake()
		return
	}
	s.timer = time.AfterFunc(delay, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.stopping {
			s.wake()
		}
	})
}

// wake kicks the worker; s.mu is held, so that kick is not closed.
func (s *server) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// clearDiagnostics publishes an empty list for a file that was closed or
// deleted.
func (s *server) clearDiagnostics(name string) {
	s.mu.Lock()
	delete(s.published, name)
	delete(s.results, name)
	s.mu.Unlock()
	s.notify("textDocument/publishDiagnostics", &PublishDiagnosticsParams{URI: fileURI(name), Diagnostics: []Diagnostic{}})
}
