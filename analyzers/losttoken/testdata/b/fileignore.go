//lint:file-ignore losttoken this file builds the worker's Context

package b

func fileIgnored() {
	level.Set(8)
	_ = level.Set(9)
}
