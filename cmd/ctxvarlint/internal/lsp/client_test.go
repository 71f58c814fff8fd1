package lsp

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A client drives a server over a pipe, as an editor does.
type client struct {
	t      testing.TB
	in     *io.PipeWriter // the server's input
	w      *writer
	served chan error

	mu      sync.Mutex
	nextID  int
	waiting map[string]chan *message
	notes   chan *message
}

// patience bounds every wait for the server, so that a server that never
// answers fails the test instead of hanging it.
const patience = 3 * time.Minute

// startServer runs a server on pipes and returns its client.
func startServer(t testing.TB, opts *Options) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{
		t:       t,
		in:      inW,
		w:       &writer{out: inW},
		served:  make(chan error, 1),
		waiting: make(map[string]chan *message),
		notes:   make(chan *message, 1000),
	}
	go func() {
		err := Serve(inR, outW, opts)
		outW.Close()
		c.served <- err
	}()
	go c.readLoop(newReader(outR))
	t.Cleanup(func() {
		inW.Close()
		select {
		case <-c.served:
		case <-time.After(patience):
			t.Error("the server did not stop when its input ended")
		}
	})
	return c
}

func (c *client) readLoop(r *reader) {
	for {
		body, err := r.read()
		if err != nil {
			close(c.notes)
			return
		}
		var m message
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("the server sent invalid JSON %q: %v", body, err)
			continue
		}
		if m.Method != "" {
			c.notes <- &m
			continue
		}
		c.mu.Lock()
		ch := c.waiting[string(m.ID)]
		delete(c.waiting, string(m.ID))
		c.mu.Unlock()
		if ch == nil {
			c.t.Errorf("unexpected response %s", body)
			continue
		}
		ch <- &m
	}
}

// call sends a request and returns its response.
func (c *client) call(method string, params any) *message {
	c.t.Helper()
	c.mu.Lock()
	c.nextID++
	id := json.RawMessage(fmt.Sprint(c.nextID))
	ch := make(chan *message, 1)
	c.waiting[string(id)] = ch
	c.mu.Unlock()
	c.send(&message{ID: id, Method: method, Params: marshal(c.t, params)})
	return c.response(ch, method)
}

func (c *client) response(ch chan *message, what string) *message {
	c.t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(patience):
		c.t.Fatalf("no response to %s", what)
		return nil
	}
}

// expectResponse registers a wait for the response with the given id.
func (c *client) expectResponse(id string) chan *message {
	ch := make(chan *message, 1)
	c.mu.Lock()
	c.waiting[id] = ch
	c.mu.Unlock()
	return ch
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	c.send(&message{Method: method, Params: marshal(c.t, params)})
}

func (c *client) send(m *message) {
	c.t.Helper()
	if err := c.w.write(m); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

// raw writes bytes to the server as they are.
func (c *client) raw(s string) {
	c.t.Helper()
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if _, err := io.WriteString(c.in, s); err != nil {
		c.t.Fatalf("writing to the server: %v", err)
	}
}

// waitNote returns the first notification of method that satisfies ok,
// dropping the others.
func (c *client) waitNote(method string, ok func(params json.RawMessage) bool) json.RawMessage {
	c.t.Helper()
	timeout := time.After(patience)
	for {
		select {
		case m, more := <-c.notes:
			if !more {
				c.t.Fatalf("the server closed its output while the test waited for %s", method)
			}
			if m.Method == method && ok(m.Params) {
				return m.Params
			}
		case <-timeout:
			c.t.Fatalf("no %s notification came", method)
		}
	}
}

// waitDiagnostics returns the diagnostics next published for uri whose
// number satisfies ok.
func (c *client) waitDiagnostics(uri DocumentURI, ok func(n int) bool) []Diagnostic {
	c.t.Helper()
	var got PublishDiagnosticsParams
	c.waitNote("textDocument/publishDiagnostics", func(params json.RawMessage) bool {
		var p PublishDiagnosticsParams
		if err := json.Unmarshal(params, &p); err != nil {
			c.t.Fatalf("bad publishDiagnostics params: %v", err)
		}
		if p.URI != uri || !ok(len(p.Diagnostics)) {
			return false
		}
		got = p
		return true
	})
	return got.Diagnostics
}

// waitLog returns the next log message that contains substr.
func (c *client) waitLog(substr string) string {
	c.t.Helper()
	var msg string
	c.waitNote("window/logMessage", func(params json.RawMessage) bool {
		var p LogMessageParams
		json.Unmarshal(params, &p)
		msg = p.Message
		return strings.Contains(p.Message, substr)
	})
	return msg
}

func marshal(t testing.TB, v any) json.RawMessage {
	if v == nil {
		return nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testLog writes the server's log to the test's.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// testEnv is the go command's environment in the tests: the module cache
// alone, no workspace, no toolchain download.
func testEnv() []string {
	return append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
}

// copyModule copies the module in testdata/NAME to a temporary directory,
// pointing its replace directive at this repository.
func copyModule(t testing.TB, src string) string {
	t.Helper()
	root, err := filepath.Abs("../../../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == "go.mod" {
			data = []byte(strings.ReplaceAll(string(data), "=> ../../../../../..", "=> "+root))
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
