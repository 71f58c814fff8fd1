package a

import (
	"fmt"
	cv "github.com/ctxvar/ctxvar/ctxvar"
	"strings"
)

func aliased() {
	cv.EnableInherit() // want `cv\.EnableInherit was removed, as aiocontextvars 0\.2 removed enable_inherit: cv\.Spawn always starts`
	fmt.Println(strings.ToUpper("x"))
}
