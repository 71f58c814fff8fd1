//lint:file-ignore removedapi migration notes kept as code

package b

import "github.com/ctxvar/ctxvar/ctxvar"

func fileIgnored() {
	ctxvar.DisableInherit()
	requestID.Delete()
}
