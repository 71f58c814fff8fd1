// Package caller type-checks, but imports a package that does not.
package caller

import "example.com/broken/removed"

// Handle uses the broken package.
func Handle() string {
	removed.Setup()
	return removed.RequestID.Get()
}
