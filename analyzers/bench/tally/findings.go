package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// report is what ctxvarlint -json printed, counted.
type report struct {
	packages int // package entries: only packages with findings or errors have one
	// findings holds each analyzer's diagnostics, once each: a file of a
	// package with tests is analyzed in the package and in its test variant.
	findings map[string]map[string]bool
	errors   []string // "package: analyzer: message"
}

type jsonDiagnostic struct {
	Posn    string `json:"posn"`
	Message string `json:"message"`
}

// parse adds one output of ctxvarlint -json (the x/tools JSONTree:
// package, then analyzer, then a list of diagnostics or {"error": ...}).
func (r *report) parse(data []byte, name string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var tree map[string]map[string]json.RawMessage
		err := dec.Decode(&tree)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %v", name, err)
		}
		for pkg, byAnalyzer := range tree {
			r.packages++
			for analyzer, raw := range byAnalyzer {
				raw = bytes.TrimSpace(raw)
				if len(raw) > 0 && raw[0] == '{' {
					var e struct {
						Error string `json:"error"`
					}
					if err := json.Unmarshal(raw, &e); err != nil {
						return fmt.Errorf("%s: %s: %s: %v", name, pkg, analyzer, err)
					}
					r.errors = append(r.errors, fmt.Sprintf("%s: %s: %s", pkg, analyzer, e.Error))
					continue
				}
				var diags []jsonDiagnostic
				if err := json.Unmarshal(raw, &diags); err != nil {
					return fmt.Errorf("%s: %s: %s: %v", name, pkg, analyzer, err)
				}
				for _, d := range diags {
					if r.findings[analyzer] == nil {
						r.findings[analyzer] = make(map[string]bool)
					}
					r.findings[analyzer][d.Posn+": "+d.Message] = true
				}
			}
		}
	}
}

func findings(files []string, stdout, stderr io.Writer, plantedFile string, zero bool) int {
	inputs, err := readAll(files)
	if err != nil {
		fmt.Fprintln(stderr, "tally:", err)
		return 1
	}
	r := &report{findings: make(map[string]map[string]bool)}
	for _, in := range inputs {
		if err := r.parse(in.data, in.name); err != nil {
			fmt.Fprintln(stderr, "tally:", err)
			return 1
		}
	}
	var planted map[string]int
	if plantedFile != "" {
		data, err := os.ReadFile(plantedFile)
		if err == nil {
			err = json.Unmarshal(data, &planted)
		}
		if err != nil {
			fmt.Fprintln(stderr, "tally:", err)
			return 1
		}
	}

	ok := true
	names := slices.Sorted(maps.Keys(r.findings))
	for name := range planted {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	total := 0
	for _, name := range names {
		n := len(r.findings[name])
		total += n
		fmt.Fprintf(stdout, "%s: %d findings", name, n)
		if want, ok2 := planted[name]; plantedFile != "" {
			switch {
			case !ok2:
				fmt.Fprint(stdout, " (none planted)")
				ok = false
			case n == want:
				fmt.Fprintf(stdout, " (planted %d: ok)", want)
			default:
				fmt.Fprintf(stdout, " (planted %d: MISMATCH)", want)
				ok = false
			}
		}
		fmt.Fprintln(stdout)
		if zero {
			for _, f := range slices.Sorted(maps.Keys(r.findings[name])) {
				fmt.Fprintf(stdout, "\t%s\n", f)
			}
		}
	}
	fmt.Fprintf(stdout, "total: %d findings, %d analyzer errors (%d package entries in the output)\n", total, len(r.errors), r.packages)
	for _, e := range r.errors {
		fmt.Fprintf(stdout, "\terror: %s\n", e)
	}
	if zero && (total > 0 || len(r.errors) > 0) {
		ok = false
	}
	if plantedFile != "" && len(r.errors) > 0 {
		ok = false
	}
	if !ok {
		return 3
	}
	return 0
}
