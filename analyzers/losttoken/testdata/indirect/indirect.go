// Package indirect uses another package's Var without importing the runtime.
package indirect

import "example.com/losttoken/b"

func setExported() {
	b.Exported.Set(1) // want `the token returned by b.Exported.Set is discarded`
}
