// Command tally summarizes what run.sh and reliability.sh collect about
// ctxvarlint:
//
//	tally times [-strict] RAW...              # the markdown table of timings
//	tally findings [-planted FILE] [-zero] JSON...
//
// tally times reads the raw timing lines of run.sh (their format is
// described in times.go) and prints one markdown table: per target, the
// median wall-clock and CPU times of ctxvarlint and of the two no-op drivers,
// the ratios of ctxvarlint to each, how the time grows with the size of the
// generated module, and PASS/FAIL marks against the limits the raw file
// states. With -strict it exits with status 3 when a mark is FAIL.
//
// tally findings reads the output of ctxvarlint -json (which lists a
// diagnostic once for a package and again for its test variant, and which
// tally counts once) and prints the number of findings per analyzer and the
// analyzer errors, such as internal errors from a panic. With -planted it
// compares the counts with a planted.json written by genmodule; with -zero it
// requires that there be no findings and no errors. It exits with status 3
// when such a check fails.
//
// In both forms the exit status is 1 when an input cannot be read or
// parsed, and 2 on bad usage.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "times":
		fs := flag.NewFlagSet("times", flag.ExitOnError)
		strict := fs.Bool("strict", false, "exit with status 3 when a target is marked FAIL")
		fs.Parse(os.Args[2:])
		os.Exit(times(fs.Args(), os.Stdout, os.Stderr, *strict))
	case "findings":
		fs := flag.NewFlagSet("findings", flag.ExitOnError)
		planted := fs.String("planted", "", "planted.json of the generated module: the counts each analyzer should report")
		zero := fs.Bool("zero", false, "require no findings and no analyzer errors")
		fs.Parse(os.Args[2:])
		os.Exit(findings(fs.Args(), os.Stdout, os.Stderr, *planted, *zero))
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tally times [-strict] RAW...\n       tally findings [-planted FILE] [-zero] JSON...")
	os.Exit(2)
}

// readAll returns the contents of the named files, or of standard input
// when there are none.
func readAll(files []string) ([]namedData, error) {
	if len(files) == 0 {
		data, err := io.ReadAll(os.Stdin)
		return []namedData{{"<stdin>", data}}, err
	}
	var out []namedData
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, namedData{name, data})
	}
	return out, nil
}

type namedData struct {
	name string
	data []byte
}
