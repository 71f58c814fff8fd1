// Command benchtable turns the output of `go test -bench` and of
// `python3 -m timeit -v` (as collected by ../../run.sh) into markdown tables
// of medians — times in ns/op, then the memory rows' B/goroutine — with the
// ratios the targets are about and a PASS/FAIL mark per target.
//
// Usage:
//
//	benchtable [-strict] [file ...]
//
// With no file, or with "-", it reads standard input. The input format is
// described in parse.go. The exit status is 0 when the tables are complete,
// even with FAIL marks (unless -strict), 1 when an input cannot be read or
// parsed or a Go benchmark of the tables has no samples in its row's unit, 2
// on bad usage and 3 with -strict when a target fails.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	strict := flag.Bool("strict", false, "exit with status 3 when a target is marked FAIL")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchtable [-strict] [file ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	os.Exit(run(flag.Args(), os.Stdin, os.Stdout, os.Stderr, *strict))
}

func run(files []string, stdin io.Reader, stdout, stderr io.Writer, strict bool) int {
	d := newData()
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, name := range files {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(stderr, "benchtable:", err)
				return 1
			}
			defer f.Close()
			r = f
		} else {
			name = "<stdin>"
		}
		if err := d.Parse(r, name); err != nil {
			fmt.Fprintln(stderr, "benchtable:", err)
			return 1
		}
	}
	res := Render(stdout, d)
	switch {
	case len(res.Missing) > 0:
		fmt.Fprintf(stderr, "benchtable: no samples for %d Go benchmark(s); did a benchmark fail?\n", len(res.Missing))
		return 1
	case strict && res.Fail > 0:
		return 3
	}
	return 0
}
