package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A sarifConfig is the command line of a -sarif run.
type sarifConfig struct {
	output    string // the log file; - for standard output
	tests     bool
	analyzers []*analysis.Analyzer // those selected by -NAME flags
	patterns  []string
}

// errNoSARIF is returned by parseSARIFFlags for a command line without
// -sarif.
var errNoSARIF = errors.New("no -sarif flag")

// sarifFlagSet returns the flags of a -sarif run, those of multichecker
// that matter for it: -test, -NAME and -NAME.FLAG, named as multichecker
// names them so that a command line works with and without -sarif. The
// flags that choose another output (-json, -fix, -diff, -c) are defined
// too, to be rejected with a message that says why.
func sarifFlagSet(all []*analysis.Analyzer, cfg *sarifConfig, enabled map[*analysis.Analyzer]*triState, other map[string]flag.Value) *flag.FlagSet {
	fs := flag.NewFlagSet("ctxvarlint", flag.ContinueOnError)
	fs.StringVar(&cfg.output, "sarif", "", "write the findings as a SARIF 2.1.0 log to this file (- for standard output)")
	fs.BoolVar(&cfg.tests, "test", true, "indicates whether test files should be analyzed, too")
	for _, a := range all {
		ts := new(triState)
		enabled[a] = ts
		fs.Var(ts, a.Name, fmt.Sprintf("enable %q analysis", a.Name))
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	for _, name := range []string{"json", "fix", "diff"} {
		other[name] = new(triState)
		fs.Var(other[name], name, "not with -sarif")
	}
	other["c"] = new(intValue)
	fs.Var(other["c"], "c", "not with -sarif")
	return fs
}

// parseSARIFFlags parses the command line args (without the program name)
// of a -sarif run. It returns errNoSARIF if there is no -sarif flag among
// the flags before the first package pattern, and flag.ErrHelp for -h.
// Other errors are also printed to errOut, as the flag package does.
func parseSARIFFlags(args []string, all []*analysis.Analyzer, errOut io.Writer) (*sarifConfig, error) {
	cfg := new(sarifConfig)
	enabled := make(map[*analysis.Analyzer]*triState)
	other := make(map[string]flag.Value)
	fs := sarifFlagSet(all, cfg, enabled, other)
	if !hasFlag(fs, args, "sarif") {
		return nil, errNoSARIF
	}
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintf(errOut, "usage: ctxvarlint -sarif=FILE [flags] packages...\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	for name, v := range other {
		if s := v.String(); s != "" && s != "false" {
			err := fmt.Errorf("-sarif does not combine with -%s", name)
			fmt.Fprintln(errOut, err)
			return nil, err
		}
	}
	if cfg.output == "" {
		err := errors.New("-sarif needs a file name, or - for standard output")
		fmt.Fprintln(errOut, err)
		return nil, err
	}
	cfg.patterns = fs.Args()
	if len(cfg.patterns) == 0 {
		err := errors.New("no packages named (./... names all the packages under the current directory)")
		fmt.Fprintln(errOut, err)
		return nil, err
	}
	cfg.analyzers = selectAnalyzers(all, enabled)
	return cfg, nil
}

// selectAnalyzers applies the -NAME flags as multichecker does: if any is
// true, only those analyzers run; otherwise those set to false do not.
func selectAnalyzers(all []*analysis.Analyzer, enabled map[*analysis.Analyzer]*triState) []*analysis.Analyzer {
	var hasTrue bool
	for _, ts := range enabled {
		hasTrue = hasTrue || *ts == setTrue
	}
	var keep []*analysis.Analyzer
	for _, a := range all {
		if hasTrue && *enabled[a] == setTrue || !hasTrue && *enabled[a] != setFalse {
			keep = append(keep, a)
		}
	}
	return keep
}

// hasFlag reports whether the flags among args, those before the first
// argument that is not a flag, include -name or --name. It knows which
// flags of fs take a value as the next argument.
func hasFlag(fs *flag.FlagSet, args []string, name string) bool {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" || len(arg) < 2 || arg[0] != '-' {
			return false
		}
		n, _, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		if n == name {
			return true
		}
		if f := fs.Lookup(n); f != nil && !hasValue && !isBoolFlag(f) {
			i++ // the flag's value
		}
	}
	return false
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// A triState is a boolean flag that remembers whether it was set, as
// multichecker's -NAME flags do: -NAME=false differs from no -NAME.
type triState int

const (
	unset triState = iota
	setTrue
	setFalse
)

func (ts *triState) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return errors.New("want true or false")
	}
	*ts = setFalse
	if b {
		*ts = setTrue
	}
	return nil
}

func (ts *triState) String() string {
	if ts == nil || *ts == unset {
		return ""
	}
	return strconv.FormatBool(*ts == setTrue)
}

func (ts *triState) IsBoolFlag() bool { return true }

// An intValue is an int flag that remembers whether it was set.
type intValue struct {
	set bool
	n   int
}

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	v.set, v.n = true, n
	return err
}

func (v *intValue) String() string {
	if v == nil || !v.set {
		return ""
	}
	return strconv.Itoa(v.n)
}
