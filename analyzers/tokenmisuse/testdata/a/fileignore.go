//lint:file-ignore tokenmisuse this file resets twice to test the panic

package a

func fileIgnored() {
	tok := user.Set("f")
	user.Reset(tok)
	user.Reset(tok)
}
