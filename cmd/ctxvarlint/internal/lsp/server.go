// Package lsp is a language server that publishes ctxvarlint's findings as
// diagnostics and offers its suggested fixes as quick fixes. Editors run it
// beside gopls, which cannot load third-party analyzers.
//
// The server speaks LSP over a byte stream (the command's standard input
// and output). It lists the workspace module's packages once with the go
// command, type-checks them and their dependencies outside the standard
// library from source, and keeps their types and facts. When a file
// changes, only its packages and the packages that import them are checked
// and analyzed again. Open files are analyzed as the editor holds them,
// saved or not.
package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers"
)

// Options configure a server.
type Options struct {
	// Debounce is how long the server waits after a change before it
	// analyzes, so that typing does not start an analysis per key; 0 means
	// 200ms.
	Debounce time.Duration
	// Env is the environment of the go command; nil means os.Environ().
	Env []string
	// Log receives the server's log lines in addition to the client's
	// window/logMessage; nil means none.
	Log io.Writer
}

// ErrNoShutdown is returned by Serve when the client sent exit without
// shutdown, or the input ended: the specification asks for exit status 1.
var ErrNoShutdown = errors.New("the client did not shut the server down before exit")

// Serve runs the server on in and out until the client sends exit or the
// input ends. It returns nil after a shutdown request and an exit
// notification, ErrNoShutdown if the exit came without shutdown, and the
// read error if the input failed otherwise.
func Serve(in io.Reader, out io.Writer, opts *Options) error {
	if opts == nil {
		opts = new(Options)
	}
	s := newServer(out, opts)
	defer s.stop()
	return s.loop(newReader(in))
}

// A server is the state of one LSP session.
type server struct {
	out      *writer
	opts     Options
	debounce time.Duration
	env      []string

	analyzers []*analysis.Analyzer // in the order they run
	reported  map[*analysis.Analyzer]bool

	mu           sync.Mutex
	changed      *sync.Cond // broadcast when doneGen advances
	initialized  bool
	watchFiles   bool // the client can watch files for the server
	shutdown     bool
	stopping     bool
	rootDir      string
	overlays     map[string]*document
	pendingFiles map[string]bool // changed since the last completed run
	pendingSaved map[string]bool // opened or saved, among pendingFiles
	pendingLoad  bool            // the package graph must be listed again
	gen, doneGen uint64          // changes seen, changes analyzed
	timer        *time.Timer
	results      map[string][]diagnostic // by file name, from the last run
	published    map[string]string       // by file name, JSON last published
	logged       map[string]bool         // messages logged once
	kick         chan struct{}
	done         chan struct{} // closed when the worker ends

	// ws is the worker's alone.
	ws *workspace
}

// A document is an open file.
type document struct {
	version int32
	text    []byte
}

// A diagnostic is an LSP diagnostic with its quick fixes.
type diagnostic struct {
	Diagnostic
	fixes []CodeAction
}

func newServer(out io.Writer, opts *Options) *server {
	s := &server{
		out:          &writer{out: out},
		opts:         *opts,
		debounce:     opts.Debounce,
		env:          opts.Env,
		analyzers:    plan(analyzers.All),
		reported:     make(map[*analysis.Analyzer]bool),
		overlays:     make(map[string]*document),
		pendingFiles: make(map[string]bool),
		pendingSaved: make(map[string]bool),
		results:      make(map[string][]diagnostic),
		published:    make(map[string]string),
		logged:       make(map[string]bool),
		kick:         make(chan struct{}, 1),
		done:         make(chan struct{}),
	}
	if s.debounce == 0 {
		s.debounce = 200 * time.Millisecond
	}
	if s.env == nil {
		s.env = os.Environ()
	}
	for _, a := range analyzers.All {
		s.reported[a] = true
	}
	s.changed = sync.NewCond(&s.mu)
	go s.worker()
	return s
}

func (s *server) stop() {
	s.mu.Lock()
	s.stopping = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.changed.Broadcast()
	s.mu.Unlock()
	close(s.kick)
	<-s.done
}

// logf sends a log line to the client and to the log writer.
func (s *server) logf(level int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "ctxvarlint lsp: %s\n", msg)
	}
	s.notify("window/logMessage", &LogMessageParams{Type: level, Message: msg})
}

// logOnce logs a message the first time it comes.
func (s *server) logOnce(level int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.mu.Lock()
	seen := s.logged[msg]
	if !seen && len(s.logged) >= 1000 {
		clear(s.logged) // messages that quote source change as one types
	}
	s.logged[msg] = true
	s.mu.Unlock()
	if !seen {
		s.logf(level, "%s", msg)
	}
}

func (s *server) notify(method string, params any) {
	data, err := json.Marshal(params)
	if err != nil {
		panic(err) // the server's own types always marshal
	}
	s.out.write(&message{Method: method, Params: data})
}

func (s *server) reply(id json.RawMessage, result any, rerr *rpcError) {
	m := &message{ID: id, Error: rerr}
	if id == nil {
		m.ID = json.RawMessage("null")
	}
	if rerr == nil {
		data, err := json.Marshal(result)
		if err != nil {
			panic(err)
		}
		m.Result = data
	}
	s.out.write(m)
}

// loop reads and handles messages until exit or the end of the input.
func (s *server) loop(r *reader) error {
	for {
		body, err := r.read()
		if err != nil {
			var ferr *framingError
			if errors.As(err, &ferr) {
				s.logf(LogError, "%v; message skipped", err)
				continue
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				s.mu.Lock()
				down := s.shutdown
				s.mu.Unlock()
				if down {
					return nil
				}
				return ErrNoShutdown
			}
			return err
		}
		m, rerr := decode(body)
		if rerr != nil {
			var id json.RawMessage
			if m != nil {
				id = m.ID
			}
			s.reply(id, nil, rerr)
			continue
		}
		if m.Method == "" {
			continue // a response: the server sends no requests
		}
		if err := s.handle(m); err != nil {
			if err == errExit {
				s.mu.Lock()
				down := s.shutdown
				s.mu.Unlock()
				if down {
					return nil
				}
				return ErrNoShutdown
			}
		}
	}
}

// handle handles one request or notification; it recovers from a panic in
// a handler, answering the request with an internal error.
func (s *server) handle(m *message) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.logf(LogError, "internal error handling %s: %v\n%s", m.Method, r, debug.Stack())
			if m.isRequest() {
				s.reply(m.ID, nil, errorf(codeInternalError, "internal error: %v", r))
			}
		}
	}()
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	if m.Method == "exit" {
		return errExit
	}
	if !m.isRequest() {
		if !initialized || shutdown {
			return nil
		}
		if h := notifications[m.Method]; h != nil {
			if err := h(s, m.Params); err != nil {
				s.logf(LogError, "%s: %v", m.Method, err)
			}
		}
		return nil // unknown notifications are ignored
	}
	switch {
	case m.Method == "initialize":
		if initialized {
			s.reply(m.ID, nil, errorf(codeInvalidRequest, "initialize sent twice"))
			return nil
		}
	case !initialized:
		s.reply(m.ID, nil, errorf(codeServerNotInitialized, "the server is not initialized"))
		return nil
	case shutdown:
		s.reply(m.ID, nil, errorf(codeInvalidRequest, "the server is shutting down"))
		return nil
	}
	h := requests[m.Method]
	if h == nil {
		s.reply(m.ID, nil, errorf(codeMethodNotFound, "method not found: %s", m.Method))
		return nil
	}
	result, rerr := h(s, m.Params, m.ID)
	if rerr != errAsync {
		s.reply(m.ID, result, rerr)
	}
	return nil
}

// errAsync is returned by a request handler that replies on its own.
var errAsync = &rpcError{}

var requests map[string]func(s *server, params json.RawMessage, id json.RawMessage) (any, *rpcError)

var notifications map[string]func(s *server, params json.RawMessage) error

func init() {
	requests = map[string]func(*server, json.RawMessage, json.RawMessage) (any, *rpcError){
		"initialize":              (*server).initialize,
		"shutdown":                (*server).shutdownRequest,
		"textDocument/codeAction": (*server).codeAction,
	}
	notifications = map[string]func(*server, json.RawMessage) error{
		"initialized":                     (*server).initializedNotification,
		"textDocument/didOpen":            (*server).didOpen,
		"textDocument/didChange":          (*server).didChange,
		"textDocument/didSave":            (*server).didSave,
		"textDocument/didClose":           (*server).didClose,
		"workspace/didChangeWatchedFiles": (*server).didChangeWatchedFiles,
	}
}

func unmarshal(params json.RawMessage, v any) *rpcError {
	if err := json.Unmarshal(params, v); err != nil {
		return errorf(codeInvalidParams, "invalid params: %v", err)
	}
	return nil
}

func (s *server) initialize(params, _ json.RawMessage) (any, *rpcError) {
	var p InitializeParams
	if rerr := unmarshal(params, &p); rerr != nil {
		return nil, rerr
	}
	root := ""
	switch {
	case len(p.WorkspaceFolders) > 0:
		root, _ = filename(p.WorkspaceFolders[0].URI)
	case p.RootURI != "":
		root, _ = filename(p.RootURI)
	case p.RootPath != "":
		root = p.RootPath
	}
	var res InitializeResult
	res.ServerInfo.Name = "ctxvarlint"
	res.Capabilities.TextDocumentSync = TextDocumentSyncOptions{OpenClose: true, Change: 2, Save: SaveOptions{IncludeText: false}}
	res.Capabilities.CodeActionProvider = CodeActionOptions{CodeActionKinds: []string{"quickfix"}}
	s.mu.Lock()
	s.initialized = true
	s.watchFiles = p.Capabilities.Workspace.DidChangeWatchedFiles.DynamicRegistration
	s.rootDir = root
	if root != "" {
		s.pendingLoad = true
		s.gen++
	}
	s.mu.Unlock()
	if root != "" {
		s.schedule(0)
	}
	return res, nil
}

// initializedNotification asks the client to report changes of Go files
// and go.mod on disk, when it can: they change the package graph, and
// files that are not open change packages.
func (s *server) initializedNotification(json.RawMessage) error {
	s.mu.Lock()
	watch := s.watchFiles
	s.mu.Unlock()
	if !watch {
		return nil
	}
	params := &RegistrationParams{Registrations: []Registration{{
		ID:     "ctxvarlint-watched-files",
		Method: "workspace/didChangeWatchedFiles",
		RegisterOptions: &DidChangeWatchedFilesRegistrationOptions{Watchers: []FileSystemWatcher{
			{GlobPattern: "**/*.go"}, {GlobPattern: "**/go.mod"}, {GlobPattern: "**/go.work"},
		}},
	}}}
	data, err := json.Marshal(params)
	if err != nil {
		return err
	}
	// The response, like any response, is ignored: without watching, the
	// server still sees the files the editor opens and saves.
	return s.out.write(&message{ID: json.RawMessage(`"register-watched-files"`), Method: "client/registerCapability", Params: data})
}

func (s *server) shutdownRequest(_, _ json.RawMessage) (any, *rpcError) {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	return nil, nil
}

// sortDiagnostics orders a file's diagnostics by position, then message.
func sortDiagnostics(ds []diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Range.Start, ds[j].Range.Start
		if a != b {
			return before(a, b)
		}
		return ds[i].Message < ds[j].Message
	})
}
