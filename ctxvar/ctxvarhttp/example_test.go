package ctxvarhttp_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarhttp"
)

var (
	exService   = ctxvar.New[string]("service")
	exUser      = ctxvar.New[string]("user")
	exRequestID = ctxvar.New[string]("request_id")
)

// fetch GETs url with c and returns the body and the echoed request ID.
func fetch(c *http.Client, url string, header http.Header) (body, id string) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		panic(err)
	}
	req.Header = header
	resp, err := c.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		panic(err)
	}
	return string(b), resp.Header.Get("X-Request-ID")
}

// Two requests on one keep-alive connection, served on one goroutine: the
// first sets a user and forgets to reset it, and the second does not see it.
// Both see the service name set before the server was built.
func ExampleHandler() {
	// What main would set before building the server.
	defer exService.Reset(exService.Set("checkout"))

	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		//lint:ignore losttoken the middleware ends the request's Context
		exUser.Set(r.URL.Query().Get("user"))
		fmt.Fprintf(w, "service=%s user=%s", exService.Get(), exUser.GetOr("nobody"))
	})
	mux.HandleFunc("/whoami", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "service=%s user=%s", exService.Get(), exUser.GetOr("nobody"))
	})
	srv := httptest.NewServer(ctxvarhttp.Handler(mux))
	defer srv.Close()

	c := srv.Client()
	body, _ := fetch(c, srv.URL+"/login?user=alice", nil)
	fmt.Println(body)
	body, _ = fetch(c, srv.URL+"/whoami", nil)
	fmt.Println(body)
	// Output:
	// service=checkout user=alice
	// service=checkout user=nobody
}

// An incoming ID is used and echoed; a request without one gets a new one.
func ExampleRequestID() {
	h := ctxvarhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, exRequestID.Get())
	}), ctxvarhttp.RequestID(exRequestID, ""))
	srv := httptest.NewServer(h)
	defer srv.Close()

	body, echoed := fetch(srv.Client(), srv.URL, http.Header{"X-Request-Id": {"req-42"}})
	fmt.Println(body, echoed)
	body, echoed = fetch(srv.Client(), srv.URL, nil)
	fmt.Println(len(body), body == echoed)
	// Output:
	// req-42 req-42
	// 32 true
}

// A Hook sets Vars from the request before the handler runs; they need no
// Reset.
func ExampleHook() {
	h := ctxvarhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "user=%s", exUser.GetOr("anonymous"))
	}), ctxvarhttp.Hook(func(r *http.Request) {
		if u, _, ok := r.BasicAuth(); ok {
			exUser.Set(u)
		}
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL, nil)
	req.SetBasicAuth("bob", "secret")
	body, _ := fetch(srv.Client(), srv.URL, req.Header)
	fmt.Println(body)
	body, _ = fetch(srv.Client(), srv.URL, nil)
	fmt.Println(body)
	// Output:
	// user=bob
	// user=anonymous
}

// Base starts requests from a Context built for the purpose, as it is when
// Handler is called, rather than from the caller's.
func ExampleBase() {
	base := new(ctxvar.Context)
	base.Run(func() { exService.Set("billing") })

	h := ctxvarhttp.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "service=%s", exService.GetOr("none"))
	}), ctxvarhttp.Base(base))
	base.Run(func() { exService.Set("changed later") })

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Body)
	// Output: service=billing
}
