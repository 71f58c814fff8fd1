//lint:file-ignore losttoken Configure sets what code outside any request logs with, for the life of the process

package app

import "example.com/multipkg/lib"

// Configure sets the request ID of the calling goroutine's Context, which
// code outside any request logs with.
func Configure() {
	lib.RequestID.Set("startup")
}
