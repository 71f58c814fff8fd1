// Package fiximport does not import the runtime in every file: the fixes add
// the import.
package fiximport

import "example.com/barego/b"

func single() {
	go b.ID() // want `start it with ctxvar.Spawn`
}
