// Package mdreport has what the measurement programs of benchcmp share to
// print their markdown reports, and what their tests share to read them back.
package mdreport

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// LoadAverage returns the 1-minute load average, or "unknown": a report
// names it, because other work on the machine makes the numbers noisy.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// Commas formats n with thousands separators.
func Commas(n int64) string {
	if n < 0 {
		return "-" + Commas(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Marks counts the targets of a report as it marks them.
type Marks struct{ Pass, Fail int }

// Mark returns "PASS" or "FAIL" for a target, and counts it.
func (m *Marks) Mark(ok bool) string {
	if ok {
		m.Pass++
		return "PASS"
	}
	m.Fail++
	return "FAIL"
}

// TableRows returns the cells of the data rows of the markdown table in out
// whose header line starts with header.
func TableRows(out, header string) ([][]string, error) {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, header) || i+2 > len(lines) {
			continue
		}
		var rows [][]string
		for _, l := range lines[i+2:] {
			if !strings.HasPrefix(l, "|") {
				break
			}
			cells := strings.Split(strings.Trim(l, "|"), " | ")
			for j := range cells {
				cells[j] = strings.TrimSpace(cells[j])
			}
			rows = append(rows, cells)
		}
		return rows, nil
	}
	return nil, fmt.Errorf("no table with header %q", header)
}

// Number parses a number as the reports print it: with thousands separators.
func Number(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
}
