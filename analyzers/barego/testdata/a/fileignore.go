//lint:file-ignore barego this file starts its goroutines outside any request

package a

func fileIgnored() {
	go logID()
	async(logID)
}
