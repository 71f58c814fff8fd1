// Package removedapi defines an Analyzer that reports calls of ctxvar API
// that was removed, and of Python contextvars names carried over to Go,
// with their replacements, also in code that no longer type-checks.
//
// # Analyzer removedapi
//
// removedapi: report removed ctxvar API and Python names, with the replacement
//
// aiocontextvars 0.2 removed ContextVar.delete(), enable_inherit() and
// disable_inherit(), and code written against the old API stopped working.
// ctxvar never had them, but code ported from Python, or written from
// memory of it, still calls them; the compiler then says only that the name
// is undefined. This analyzer runs even on packages with type errors and
// says what replaces each call.
//
// Removed API:
//
//   - v.Delete() (and v.delete()): a Var's value is undone by resetting the
//     token of the Set that gave it: tok := v.Set(x) ... v.Reset(tok).
//     There is no fix, as the token must come from that Set.
//   - ctxvar.EnableInherit() and ctxvar.DisableInherit(): there is no switch.
//     ctxvar.Spawn always starts a goroutine in a copy of the caller's
//     Context, and a goroutine started with a bare go statement never
//     inherits. The fix deletes the call when it is a statement of its own
//     without arguments, and the import of ctxvar when nothing else in the
//     file uses it.
//
// Python names and call shapes carried over to Go: PEP 567's lower-case
// names (var.get(default), var.set, var.reset, var.name, ctx.run(fn, *args),
// ctx.copy, ctx.get, contextvars.copy_context, contextvars.ContextVar),
// copy_context().run(fn), asyncio.create_task, and aiotask-context's
// string-keyed context.get(key) and context.set(key, value):
//
//	written                              in Go                          fix
//	v.get(), v.get(d)                    v.Get(), v.GetOr(d)            rename
//	v.Get(d)                             v.GetOr(d)                     rename
//	v.set(x), v.reset(tok)               v.Set(x), v.Reset(tok)         rename
//	v.Reset(), v.reset()                 v.Reset(tok), tok from v.Set   none
//	v.name, v.name()                     v.Name()                       rename
//	ctxvar.CopyContext()                 ctxvar.Copy()                  rename
//	ctxvar.copy_context()                ctxvar.Copy()                  rename
//	ctxvar.ContextVar(name, opts...)     ctxvar.New[T](name, opts...)   rename when T is known
//	ctxvar.NewVar(name, opts...)         ctxvar.New[T](name, opts...)   rename when T is known
//	ctxvar.Run(fn), ctxvar.run(fn)       ctxvar.Copy().Run(fn)          rewrite
//	ctxvar.Go(fn)                        ctxvar.Spawn(fn)               rename
//	c.run(fn), c.copy()                  c.Run(fn), c.Copy()            rename
//	c.Run(fn, args...)                   c.Run(func() { fn(args...) })  none
//	c.get(v), c.Get(v)                   ctxvar.ValueIn(c, v)           none
//	ctxvar.Get(key), ctxvar.Set(key, x)  a Var per key: k.Get()         none
//
// A fix is offered only when the result compiles: the arguments have the
// types the Go method takes (a value of the Var's type for GetOr and Set, a
// token of the same Var for Reset, a func() for Run and Spawn, a name and
// options of one type for New).
//
// Bad:
//
//	ctxvar.EnableInherit()
//	user := currentUser.Get("anonymous")
//	currentUser.Delete()
//
// Good:
//
//	user := currentUser.GetOr("anonymous")
//	tok := currentUser.Set(u)
//	defer currentUser.Reset(tok)
//
// Names are matched through the type checker, never by spelling alone: the
// qualifier must be an import of github.com/ctxvar/ctxvar/ctxvar, and the
// receiver's type a ctxvar.Var or ctxvar.Context, as recorded even when the
// selector itself does not resolve. A name the runtime does have is never
// reported as missing, and the analyzer stays silent on dot imports and on
// types that embed a Var.
//
// To keep such a call, suppress the diagnostic with a directive and a
// reason, on its line or the line above it:
//
//	//lint:ignore removedapi kept to show the old API in an error message test
//	ctxvar.EnableInherit()
//
// or for a whole file:
//
//	//lint:file-ignore removedapi migration notes
//
// Generated files are not checked. The analyzer has no flags.
package removedapi
