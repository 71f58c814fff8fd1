package sarifout

import (
	"regexp"
	"strconv"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// A notification is an error of the run: a package that did not load,
// parse or type-check, or an analyzer that failed on a package.
type notification struct {
	rule    string // the analyzer that failed, if any
	posn    string // file:line:col, file:line or empty
	message string
}

func (l *Log) addNotification(n notification) {
	if !l.seenNotes[n] {
		l.seenNotes[n] = true
		l.notifications = append(l.notifications, n)
	}
}

// posnRE matches the positions of package errors: file:line:col or
// file:line.
var posnRE = regexp.MustCompile(`^(.+?):(\d+)(?::(\d+))?$`)

// sarifNotification converts n into an error-level notification, with the
// location of its position and the rule of its analyzer when it has them.
func (l *Log) sarifNotification(n notification) *sarif.Notification {
	sn := sarif.NewNotification().
		WithLevel(sarif.LevelError).
		WithMessage(sarif.NewTextMessage(n.message))
	if m := posnRE.FindStringSubmatch(n.posn); m != nil {
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		if line > 0 {
			s := span{file: m[1], startLine: line}
			if col > 0 {
				s.startCol = l.files.column(s.file, line, col)
			}
			sn.AddLocation(l.location(s))
		}
	} else if n.posn != "" && n.posn != "-" {
		sn.Message.Text = new(n.posn + ": " + n.message)
	}
	if i := l.ruleIndex(n.rule); i >= 0 {
		sn.WithAssociatedRule(sarif.NewReportingDescriptorReference().WithID(n.rule).WithIndex(i))
	}
	return sn
}
