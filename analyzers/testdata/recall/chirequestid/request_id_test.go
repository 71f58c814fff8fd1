package chirequestid

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

// TestMain runs on the goroutine that ran the init functions: it sees
// prefix, which init set and kept, but not hostTag, which init reset.
func TestMain(m *testing.M) {
	sink(prefix.Get())  // ok: unsetget [init-order]
	sink(hostTag.Get()) // mistake: unsetget [init-order]
	os.Exit(m.Run())
}

func TestRequestID(t *testing.T) {
	tests := map[string]struct {
		requestIDHeader  string
		request          func() *http.Request
		expectedResponse string
	}{
		"Retrieves Request Id from default header": {
			"X-Request-Id",
			func() *http.Request {
				req, _ := http.NewRequest("GET", "/", nil)
				req.Header.Add("X-Request-Id", "req-123456")
				return req
			},
			"RequestID: req-123456",
		},
		"Retrieves Request Id from custom header": {
			"X-Trace-Id",
			func() *http.Request {
				req, _ := http.NewRequest("GET", "/", nil)
				req.Header.Add("X-Trace-Id", "trace:abc123")
				return req
			},
			"RequestID: trace:abc123",
		},
		"Generates a Request Id": {
			"X-Request-Id",
			func() *http.Request {
				req, _ := http.NewRequest("GET", "/", nil)
				return req
			},
			"",
		},
	}

	for name, test := range tests {
		undo := withHeader(test.requestIDHeader) // ok: losttoken [reset-func]
		t.Run(name, func(t *testing.T) {         // mistake: barego [launcher-trun]
			w := httptest.NewRecorder()
			h := RequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, "RequestID: %s", GetReqID())
			}))
			h.ServeHTTP(w, test.request()) // mistake: unsetget [interface]
			if test.expectedResponse != "" && w.Body.String() != test.expectedResponse {
				t.Errorf("RequestID was not the expected value")
			}
		})
		undo()
	}
}

// Tests run on goroutines of their own, in an empty Context: what init
// set is not there.
func TestNewRequestID(t *testing.T) {
	if id := newRequestID(); id == "" { // mistake: unsetget [init-order]
		t.Error("empty ID")
	}
	ctxvar.Copy().Run(func() {
		sink(prefix.Get()) // mistake: unsetget [init-order]
	})
}

func TestGetReqIDOutsideRequest(t *testing.T) {
	if id := GetReqID(); id != "" { // ok: unsetget [getor]
		t.Errorf("GetReqID() = %q outside a request", id)
	}
	sink(MustReqID()) // mistake: unsetget [interproc]
	defer reqID.Reset(reqID.Set("test"))
	sink(MustReqID()) // ok: unsetget [interproc]
}

func TestHeaderOverride(t *testing.T) {
	defer withHeader("X-Trace-Id")()              // ok: losttoken [reset-func]
	if got := header.Get(); got != "X-Trace-Id" { // ok: unsetget [default]
		t.Errorf("header = %q", got)
	}
	t.Run("sub", func(t *testing.T) { // mistake: barego [launcher-trun]
		if got := header.Get(); got != "X-Request-Id" {
			t.Logf("the subtest sees the default, %q", got)
		}
	})
	t.Run("bound", ctxvar.BindArg(func(t *testing.T) { // ok: barego [bind]
		if got := header.Get(); got != "X-Trace-Id" {
			t.Errorf("header = %q", got)
		}
	}))
}
