// Command ctxvarlint reports misuse of ctxvar's context variables: goroutines
// started without the caller's Context, Gets that can panic because no Set
// came first, tokens from Set that are never used to restore the old value,
// and calls of API that no longer exists. It runs the analyzers listed in
// [github.com/ctxvar/ctxvar/analyzers.All].
//
// Usage:
//
//	ctxvarlint [flags] packages...
//	ctxvarlint help           # the analyzers and the flags
//	ctxvarlint help NAME      # the documentation and flags of analyzer NAME
//
// Packages are named as for go build and go vet, for example ./...; test
// files are analyzed too (-test=false leaves them out). The main flags:
//
//	-json          print the findings as JSON instead of text
//	-sarif=FILE    write the findings as a SARIF log to FILE (- for stdout)
//	-fix           apply the suggested fixes instead of printing the findings
//	-fix -diff     print the fixes as a unified diff instead of applying them
//	-c N           print N lines of source around each finding
//	-NAME          run only the analyzers so named (-barego -losttoken)
//	-NAME=false    run all the analyzers except those so named
//	-NAME.FLAG     set an analyzer's own flag (-barego.launchers=...)
//
// Findings are printed one a line, as file:line:col: message. With -json the
// output has the shape
//
//	{"<package>": {"<analyzer>": [{"posn": "file:line:col", "message": "...", ...}]}}
//
// where an analyzer that failed on a package has {"error": "..."} in place
// of its list of findings.
//
// # Exit status
//
//	0  nothing to report
//	3  findings reported
//	1  a package could not be loaded, parsed or type-checked, or an analyzer
//	   failed on one
//
// An analyzer that panics does not take the run down: its panic is reported
// as an internal error that names the analyzer, the package and the source
// position it had reached, the other packages' findings are still printed,
// and the status is 1.
//
// With -json the findings do not change the status: it is 0, or 1 when a
// package had errors, which the JSON then holds too. With -fix (and with
// -fix -diff) it is 0 unless a package had errors or some fixes could not
// be applied, for example because they conflict; run the command again to
// apply the rest.
//
// # SARIF
//
// With -sarif=FILE the command writes a SARIF 2.1.0 log, the format that
// GitHub code scanning and other code review tools import, to FILE, or to
// standard output for -sarif=-, in place of the text output:
//
//	ctxvarlint -sarif=ctxvarlint.sarif ./...
//
// The -sarif flag must come before the packages. The log has one rule per
// analyzer, one result per finding, with its related locations and its
// suggested fixes, file names relative to the root of the main module
// (the uriBaseId %SRCROOT%), and columns in UTF-16 code units. Errors
// (packages that do not load or type-check, analyzers that fail) are
// printed as without -sarif and are also in the log, as tool execution
// notifications of an unsuccessful invocation. The -test, -NAME and
// -NAME.FLAG flags work as without -sarif; -json, -fix, -diff and -c do not
// combine with it. The exit status is that of text output: 0, 3 when there
// are findings, 1 when there were errors. docs/ci.md shows how to upload the
// log from a GitHub Actions workflow.
//
// # With go vet and go fix
//
// The same binary is a vet tool and a fix tool, so the go command can run it
// with its build cache and its own package loading:
//
//	go build -o ctxvarlint github.com/ctxvar/ctxvar/cmd/ctxvarlint
//	go vet -vettool=$PWD/ctxvarlint ./...          # report the findings
//	go fix -fixtool=$PWD/ctxvarlint ./...          # apply the suggested fixes
//	go fix -fixtool=$PWD/ctxvarlint -diff ./...    # print them as a diff
//
// go vet prints the findings as file:line:col: message, with file names
// relative to the current directory, and exits with status 1 when there are
// any; go fix -diff exits with status 1 when the diff is not empty. The
// analyzer flags work there too (go vet -vettool=... -losttoken=false).
// Under go vet and go fix, a package that does not type-check is reported
// by the compiler alone, as "# importpath" and its errors, and is not
// analyzed: run ctxvarlint itself to get the removedapi analyzer's
// explanation of calls of removed API, and its fixes.
//
// A module can pin the command as a tool and run it without installing it:
//
//	go get -tool github.com/ctxvar/ctxvar/cmd/ctxvarlint
//	go tool ctxvarlint ./...
//
// # Suppressing a finding
//
// A comment //lint:ignore NAME reason on the line of a finding, or on the
// line before it, suppresses analyzer NAME's findings there;
// //lint:file-ignore NAME reason does so for the whole file. Generated files
// are not reported on.
//
// # Editors
//
// gopls cannot load third-party analyzers, so ctxvarlint is also a small
// language server that editors run beside gopls:
//
//	ctxvarlint lsp
//
// speaks LSP on standard input and output, publishes the findings in the
// open files as diagnostics, as the editor holds them, saved or not, and
// offers the suggested fixes as quick fixes. After an edit it analyzes
// again only the edited package and the packages that import it. See
// docs/editors.md for the configuration of Neovim, VS Code, Helix and Emacs.
package main

import (
	"os"

	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/ctxvar/ctxvar/analyzers"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "lsp" {
		os.Exit(lspMain(os.Args[2:]))
	}
	exitIfSARIF(analyzers.All)
	multichecker.Main(analyzers.All...)
}
