// Package analyzers lists the ctxvarlint analyzers, for the ctxvarlint
// command and for any other driver of golang.org/x/tools/go/analysis
// analyzers (gopls, golangci-lint plugins, a custom multichecker).
package analyzers

import (
	"golang.org/x/tools/go/analysis"

	"github.com/ctxvar/ctxvar/analyzers/barego"
	"github.com/ctxvar/ctxvar/analyzers/localvar"
	"github.com/ctxvar/ctxvar/analyzers/losttoken"
	"github.com/ctxvar/ctxvar/analyzers/removedapi"
	"github.com/ctxvar/ctxvar/analyzers/tokenmisuse"
	"github.com/ctxvar/ctxvar/analyzers/unsetget"
)

// All holds every ctxvarlint analyzer. Each one requires the reach analyzer
// and costs nothing on packages that cannot reach the ctxvar runtime, so a
// driver may run them all over a whole program.
var All = []*analysis.Analyzer{
	barego.Analyzer,
	unsetget.Analyzer,
	losttoken.Analyzer,
	removedapi.Analyzer,
	tokenmisuse.Analyzer,
	localvar.Analyzer,
}
