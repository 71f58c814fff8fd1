package sarifout

import "testing"

func TestFirstSentence(t *testing.T) {
	for _, test := range []struct{ doc, want string }{
		{"check that goroutines start with the Context\n\nA goroutine started. More.", "check that goroutines start with the Context"},
		{"Report things. And more\nthings.\n\nBody.", "Report things."},
		{"a title\nover two lines", "a title over two lines"},
	} {
		if got := firstSentence(test.doc); got != test.want {
			t.Errorf("firstSentence(%q) = %q, want %q", test.doc, got, test.want)
		}
	}
}
