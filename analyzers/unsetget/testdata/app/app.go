package main

// This package imports one whose init function sets b.User, so main may
// find it set; no initialization sets b.RequestID.

import (
	"example.com/unsetget/b"
	_ "example.com/unsetget/initset"
)

func main() {
	_ = b.User.Get()
	_ = b.RequestID.Get() // want `^b\.RequestID\.Get can panic with a LookupError: b\.RequestID has no default and is not set on a path from main; give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first$`
}
