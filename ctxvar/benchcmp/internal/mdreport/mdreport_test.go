package mdreport

import "testing"

func TestCommas(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := Commas(n); got != want {
			t.Errorf("Commas(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTableRows(t *testing.T) {
	out := "intro\n\n| a | b |\n| --- | ---: |\n| x | 1,000 |\n| y | 2 |\n\nafter\n"
	rows, err := TableRows(out, "| a |")
	if err != nil || len(rows) != 2 || rows[0][0] != "x" || rows[1][1] != "2" {
		t.Fatalf("TableRows = %q, %v", rows, err)
	}
	if n, err := Number(rows[0][1]); err != nil || n != 1000 {
		t.Errorf("Number(%q) = %v, %v", rows[0][1], n, err)
	}
	if _, err := TableRows(out, "| c |"); err == nil {
		t.Error("TableRows found a table that is not there")
	}
	var m Marks
	if m.Mark(true) != "PASS" || m.Mark(false) != "FAIL" || m.Pass != 1 || m.Fail != 1 {
		t.Errorf("Marks = %+v", m)
	}
}
