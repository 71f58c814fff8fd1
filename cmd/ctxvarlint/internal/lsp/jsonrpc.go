package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// JSON-RPC 2.0 error codes used by the server.
const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
	codeInternalError  = -32603
	// codeServerNotInitialized is LSP's code for a request before initialize.
	codeServerNotInitialized = -32002
)

// maxMessageSize bounds the Content-Length the reader accepts, so that a
// corrupt header cannot make the server allocate without limit.
const maxMessageSize = 256 << 20

// A message is any JSON-RPC 2.0 message: a request (ID and Method), a
// notification (Method alone) or a response (ID and Result or Error).
type message struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

// isRequest reports whether m expects a response.
func (m *message) isRequest() bool { return m.Method != "" && len(m.ID) > 0 && string(m.ID) != "null" }

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// errorf returns an rpcError with the given code.
func errorf(code int, format string, args ...any) *rpcError {
	return &rpcError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// A framingError is a header block the reader could not make sense of; the
// stream is still usable after it, since the reader has consumed the block.
type framingError struct{ msg string }

func (e *framingError) Error() string { return e.msg }

// A reader reads Content-Length framed messages.
type reader struct {
	in *bufio.Reader
}

func newReader(r io.Reader) *reader { return &reader{in: bufio.NewReader(r)} }

// read returns the body of the next message. It returns a *framingError for
// a header block without a usable Content-Length, and io.EOF (or another
// read error) when the stream ends.
func (r *reader) read() ([]byte, error) {
	length := -1
	var bad string
	sawHeader := false
	for {
		line, err := r.in.ReadString('\n')
		if err != nil {
			if err == io.EOF && (sawHeader || line != "") {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !sawHeader {
				continue // stray blank lines between messages
			}
			break
		}
		sawHeader = true
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			bad = fmt.Sprintf("malformed header line %q", line)
			continue
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 || n > maxMessageSize {
				bad = fmt.Sprintf("invalid Content-Length %q", strings.TrimSpace(value))
				continue
			}
			length = n
		}
	}
	if length < 0 {
		if bad == "" {
			bad = "message header without Content-Length"
		}
		return nil, &framingError{bad}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(r.in, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// A writer writes Content-Length framed messages; it is safe for concurrent
// use, since responses and notifications come from several goroutines.
type writer struct {
	mu  sync.Mutex
	out io.Writer
	err error // the first write error; later writes are dropped
}

func (w *writer) write(m *message) error {
	m.JSONRPC = "2.0"
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(body))
	buf.Write(body)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if _, err := w.out.Write(buf.Bytes()); err != nil {
		w.err = err
	}
	return w.err
}

// decode parses a message body. A body that is not JSON, or not an object,
// is a parse error; an object that is neither request, notification nor
// response is an invalid request.
func decode(body []byte) (*message, *rpcError) {
	var m message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, errorf(codeParseError, "parse error: %v", err)
	}
	if m.Method == "" && len(m.ID) == 0 {
		return &m, errorf(codeInvalidRequest, "invalid request: no method and no id")
	}
	return &m, nil
}

var errExit = errors.New("exit")
