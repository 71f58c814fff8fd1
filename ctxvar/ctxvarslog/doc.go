// Package ctxvarslog adds the values of context variables to log records. Its
// [Handler] is a [log/slog.Handler] that wraps another and, for each record,
// reads chosen Vars in the Context of the goroutine that logs: the request
// ID that a request's goroutine Set appears on every line it logs, without
// being passed to each logging call.
//
// # Installation
//
// Wrap the handler that writes the output, and name the Vars to log:
//
//	var (
//		requestID = ctxvar.New[string]("request_id")
//		user      = ctxvar.New[string]("user")
//	)
//
//	func main() {
//		h := slog.NewJSONHandler(os.Stdout, nil)
//		slog.SetDefault(slog.New(ctxvarslog.NewHandler(h, ctxvarslog.Vars(requestID, user))))
//		...
//	}
//
// [Vars] logs a Var under its name, [Attr] under a key of your choosing, and
// [Group] gathers them in a group. A Var without a value in the logging
// goroutine's Context is left out; a Var's default does not count, as it
// would add the same constant to every line. Values go through [slog.Any],
// so a string stays a string and an int an int, and a value that implements
// [slog.LogValuer] is resolved by the next handler as slog resolves the
// record's own attributes. A key that the record has too appears twice, as
// any duplicate key does with slog's handlers; [Group] keeps the two apart.
//
// # Goroutines
//
// slog calls Handle on the goroutine that logs, and the Handler reads that
// goroutine's Context, not the context.Context passed to the logging call. A
// goroutine started with [ctxvar.Spawn] starts with a copy of its parent's
// values, so its records carry them. A goroutine started with a bare go
// statement starts with an empty Context, so nothing is added to its records
// until it Sets a Var: start goroutines that log with Spawn, or wrap
// callbacks with [ctxvar.Bind]. Code that receives the values only in a
// context.Context, through [ctxvar.WithCurrent], enters them with
// [ctxvar.RunContext] before it logs. The ctxvarlint analyzer barego reports
// bare go statements whose goroutine logs through slog in a package that
// installs this handler, or imports one that does.
//
// # Redaction
//
// The value of a Var created with [ctxvar.Redacted] is logged as the string
// "[redacted]", as ctxvar's own String methods print it; a LogValuer's
// LogValue method is not called. The key is still logged, which shows that
// the Var was set.
//
// # Groups
//
// The Vars' attributes are added to the record, so they land where the
// record's own attributes land, as with other handlers that read a context:
// after logger.WithGroup("req"), inside the group req, beside the
// attributes passed to the logging call. [Group] nests them one level deeper
// in a group of their own.
//
// # Cost
//
// Each Var is read without allocating. Adding the attributes allocates
// nothing while the record's attributes fit in the few (five, as of Go 1.26)
// that a [slog.Record] stores inline: with two Vars set, a record logged with
// up to three attributes of its own costs no allocation more than without
// the Handler. Past that, the attributes spill into a back array, which
// takes one allocation: a new array, or a copy of the record's own, which
// Handle must not append to as it is shared with the caller. With [Group], the group's attributes take one allocation per record
// that carries a Var. A record whose Vars have no value is passed on as it
// came.
package ctxvarslog
