package fiximport

import (
	"fmt"

	"example.com/barego/b"
)

func group() {
	go func() { // want `start it with ctxvar.Spawn`
		fmt.Println(b.ID())
	}()
	go b.Deep() // want `start it with ctxvar.Spawn`
}
