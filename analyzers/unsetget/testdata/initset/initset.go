package initset // want package:"initialization may set User"

import "example.com/unsetget/b"

func init() {
	b.User.Set("boot")
}
