package b

import "github.com/ctxvar/ctxvar/ctxvar"

func ignored() {
	//lint:ignore removedapi the error message test needs the old call
	ctxvar.EnableInherit()
	requestID.Delete() //lint:ignore removedapi same line
	//lint:ignore unsetget another analyzer
	requestID.Delete() // want `requestID\.Delete was removed`
}
