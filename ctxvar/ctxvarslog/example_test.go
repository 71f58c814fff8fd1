package ctxvarslog_test

import (
	"log/slog"
	"os"

	"github.com/ctxvar/ctxvar/ctxvar"
	"github.com/ctxvar/ctxvar/ctxvar/ctxvarslog"
)

var (
	reqID    = ctxvar.New[string]("request_id")
	user     = ctxvar.New[string]("user")
	apiToken = ctxvar.New[string]("api_token", ctxvar.Redacted[string]())
)

// withoutTime drops the time from the output, so that it is the same on
// every run.
func withoutTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// Install the handler as the default: every record then carries the values
// that the logging goroutine's Context holds. A goroutine started with
// ctxvar.Spawn carries its parent's; one started with a bare go statement
// starts empty and carries none.
func Example() {
	opts := &slog.HandlerOptions{ReplaceAttr: withoutTime}
	slog.SetDefault(slog.New(ctxvarslog.NewHandler(
		slog.NewJSONHandler(os.Stdout, opts),
		ctxvarslog.Vars(reqID, user),
	)))

	serve := func(id, name string) {
		defer reqID.Reset(reqID.Set(id))
		defer user.Reset(user.Set(name))
		slog.Info("request", "path", "/orders")

		done := make(chan struct{})
		ctxvar.Spawn(func() {
			defer close(done)
			slog.Info("audit")
		})
		<-done

		bare := make(chan struct{})
		go func() { // a bare go statement: an empty Context
			defer close(bare)
			slog.Info("bare goroutine")
		}()
		<-bare
	}
	serve("r-1", "ada")
	slog.Info("outside any request")

	// Output:
	// {"level":"INFO","msg":"request","path":"/orders","request_id":"r-1","user":"ada"}
	// {"level":"INFO","msg":"audit","request_id":"r-1","user":"ada"}
	// {"level":"INFO","msg":"bare goroutine"}
	// {"level":"INFO","msg":"outside any request"}
}

// Group gathers the Vars in a group of their own, Attr logs a Var under a
// key that differs from its name, and a Redacted Var shows that it is set
// without showing its value.
func ExampleGroup() {
	opts := &slog.HandlerOptions{ReplaceAttr: withoutTime}
	logger := slog.New(ctxvarslog.NewHandler(
		slog.NewJSONHandler(os.Stdout, opts),
		ctxvarslog.Group("ctx"),
		ctxvarslog.Attr("rid", reqID),
		ctxvarslog.Vars(user, apiToken),
	))

	logger.Info("no Var set")
	defer reqID.Reset(reqID.Set("r-2"))
	defer apiToken.Reset(apiToken.Set("s3cr3t"))
	logger.Info("call", "user", "the record's own")

	// Output:
	// {"level":"INFO","msg":"no Var set"}
	// {"level":"INFO","msg":"call","user":"the record's own","ctx":{"rid":"r-2","api_token":"[redacted]"}}
}

// The Vars are added to the record, so after WithGroup they land in that
// group, beside the record's own attributes.
func ExampleHandler_WithGroup() {
	opts := &slog.HandlerOptions{ReplaceAttr: withoutTime}
	logger := slog.New(ctxvarslog.NewHandler(slog.NewJSONHandler(os.Stdout, opts), ctxvarslog.Vars(reqID)))

	defer reqID.Reset(reqID.Set("r-3"))
	logger.With("service", "billing").WithGroup("http").Info("done", "status", 200)

	// Output:
	// {"level":"INFO","msg":"done","service":"billing","http":{"status":200,"request_id":"r-3"}}
}
