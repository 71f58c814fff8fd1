package configured

import (
	"testing"

	"example.com/unsetget/wrap"
)

func TestConfiguredLaunchers(t *testing.T) {
	p := wrap.NewPool()
	defer user.Reset(user.Set("u"))
	p.Later(func() {
		_ = user.Get() // want `^user\.Get can panic with a LookupError: user has no default and is not set on a path from the goroutine started by wrap\.Pool\.Later at configured_test\.go:\d+ \(it starts with an empty Context\)`
	})
	wrap.LaterFunc(p, func() {
		_ = user.Get() // want `started by wrap\.LaterFunc at`
	})
}

func TestConfiguredSpawner(t *testing.T) {
	p := wrap.NewPool()
	defer user.Reset(user.Set("u"))
	p.Enqueue(func() { _ = user.Get() })
}
