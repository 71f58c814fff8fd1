package lsp

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	input := "Content-Length: 2\r\n\r\n{}" +
		"\r\n" + // stray line
		"X-Other: 1\r\n\r\n" + // no Content-Length
		"Content-Length: nine\r\n\r\n" +
		"content-length: 4\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nnull" +
		"Content-Length: 10\r\n\r\n{}"
	r := newReader(strings.NewReader(input))
	var ferr *framingError
	steps := []func(body []byte, err error){
		func(body []byte, err error) {
			if err != nil || string(body) != "{}" {
				t.Errorf("first message: %q, %v", body, err)
			}
		},
		func(_ []byte, err error) {
			if !errors.As(err, &ferr) {
				t.Errorf("header without Content-Length: %v, want a framing error", err)
			}
		},
		func(_ []byte, err error) {
			if !errors.As(err, &ferr) {
				t.Errorf("invalid Content-Length: %v, want a framing error", err)
			}
		},
		func(body []byte, err error) {
			if err != nil || string(body) != "null" {
				t.Errorf("message after the bad ones: %q, %v", body, err)
			}
		},
		func(_ []byte, err error) {
			if err != io.ErrUnexpectedEOF {
				t.Errorf("truncated body: %v, want io.ErrUnexpectedEOF", err)
			}
		},
	}
	for _, step := range steps {
		step(r.read())
	}
}

func TestDecode(t *testing.T) {
	if _, err := decode([]byte(`{"jsonrpc":"2.0","id":1,`)); err == nil || err.Code != codeParseError {
		t.Errorf("truncated JSON: %v, want a parse error", err)
	}
	if _, err := decode([]byte(`[1,2]`)); err == nil || err.Code != codeParseError {
		t.Errorf("an array: %v, want a parse error", err)
	}
	if _, err := decode([]byte(`{"jsonrpc":"2.0"}`)); err == nil || err.Code != codeInvalidRequest {
		t.Errorf("no method, no id: %v, want an invalid request", err)
	}
	m, err := decode([]byte(`{"jsonrpc":"2.0","id":"7","method":"shutdown"}`))
	if err != nil || !m.isRequest() || m.Method != "shutdown" {
		t.Errorf("a request: %+v, %v", m, err)
	}
	m, err = decode([]byte(`{"jsonrpc":"2.0","method":"initialized","params":{}}`))
	if err != nil || m.isRequest() {
		t.Errorf("a notification: %+v, %v", m, err)
	}
}
