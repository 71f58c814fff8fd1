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
package main

import (
	"golang.org/x/tools/go/analysis/multichecker"

	"github.com/ctxvar/ctxvar/analyzers"
)

func main() { multichecker.Main(analyzers.All...) }
