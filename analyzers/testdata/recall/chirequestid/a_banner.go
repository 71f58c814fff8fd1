package chirequestid

// banner is computed by an init function of a file that sorts before
// middleware.go: it runs before the init that sets prefix.
var banner string

func init() {
	banner = "service " + prefix.Get() // mistake: unsetget [init-order]
}
