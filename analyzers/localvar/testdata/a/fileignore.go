//lint:file-ignore localvar this file makes throwaway Vars on purpose

package a

import "github.com/ctxvar/ctxvar/ctxvar"

func fileIgnored() {
	v := ctxvar.New[string]("ignored")
	v.Set("x")
}
