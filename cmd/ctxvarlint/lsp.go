package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/ctxvar/ctxvar/analyzers"
	"github.com/ctxvar/ctxvar/cmd/ctxvarlint/internal/lsp"
)

// lspMain runs ctxvarlint lsp: a language server on standard input and
// output. It returns the exit status.
func lspMain(args []string) int {
	fs := flag.NewFlagSet("ctxvarlint lsp", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `usage: ctxvarlint lsp [flags]

Runs a language server on standard input and output that publishes
ctxvarlint's findings as diagnostics and offers its suggested fixes as
quick fixes. Configure the editor to start it for Go files beside gopls;
see docs/editors.md. The analyzers' own flags are set as on the command
line, as -NAME.FLAG.

Flags:
`)
		fs.PrintDefaults()
	}
	debounce := fs.Duration("debounce", 200*time.Millisecond, "how long to wait after an edit before analyzing")
	verbose := fs.Bool("v", false, "also write the log to standard error")
	for _, a := range analyzers.All {
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "ctxvarlint lsp: unexpected arguments %q\n", fs.Args())
		return 2
	}
	opts := &lsp.Options{Debounce: *debounce}
	if *verbose {
		opts.Log = os.Stderr
	}
	if err := lsp.Serve(os.Stdin, os.Stdout, opts); err != nil {
		if !errors.Is(err, lsp.ErrNoShutdown) {
			fmt.Fprintf(os.Stderr, "ctxvarlint lsp: %v\n", err)
		}
		return 1
	}
	return 0
}
