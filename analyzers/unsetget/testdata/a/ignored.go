//lint:file-ignore unsetget these goroutines only start after Serve has set requestID

package main

func ignoredFile() {
	go func() {
		_ = requestID.Get()
	}()
}
