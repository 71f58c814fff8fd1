package starts

import (
	"testing"

	"example.com/unsetget/wrap"
)

// ---- launchers: the function starts with an empty Context ----

func TestLocalLauncher(t *testing.T) {
	defer user.Reset(user.Set("u"))
	async(func() {
		_ = user.Get() // want `^user\.Get can panic with a LookupError: user has no default and is not set on a path from the goroutine started by async at starts_test\.go:\d+ \(it starts with an empty Context\); give it a default with ctxvar\.Default, use GetOr or Lookup, or Set it first \(in the function, or before wrapping it with ctxvar\.Bind\)$`
	})
	asyncVia(func() {
		_ = user.Get() // want `from the goroutine started by asyncVia at starts_test\.go:\d+ \(it starts with an empty Context\)`
	})
	async(readUser) // want `^readUser calls user\.Get \(starts\.go:\d+\), which can panic with a LookupError: user has no default and is not set on a path from the goroutine started by async at`
}

func TestImportedLauncher(t *testing.T) {
	defer user.Reset(user.Set("u"))
	wrap.Async(func() {
		_ = user.Get() // want `from the goroutine started by wrap\.Async at starts_test\.go:\d+ \(it starts with an empty Context\)`
	})
	p := wrap.NewPool()
	p.Go(func() {
		_ = user.Get() // want `started by wrap\.Pool\.Go at`
	})
	// A method expression: the launched function is the second argument.
	(*wrap.Pool).Go(p, func() {
		_ = user.Get() // want `started by wrap\.Pool\.Go at`
	})
	wrap.Async(readUser) // want `^readUser calls user\.Get .* started by wrap\.Async at`
}

// What a launched function sets is set on its own goroutine only.
func TestLaunchedSetsNothingHere(t *testing.T) {
	login()
	_ = user.Get() // want `from TestLaunchedSetsNothingHere;`
}

// ---- Spawns: the function runs in a copy of the caller's Context ----

func TestSpawnsAfterSet(t *testing.T) {
	defer user.Reset(user.Set("u"))
	spawn(func() { _ = user.Get() })
	wrap.Spawn(func() { _ = user.Get() })
	wrap.Spawn(readUser)
}

func TestSpawnsBeforeSet(t *testing.T) {
	wrap.Spawn(func() {
		_ = user.Get() // want `^user\.Get can panic with a LookupError: user has no default and is not set on a path from TestSpawnsBeforeSet;`
	})
	spawn(readUser) // want `^readUser calls user\.Get .* from TestSpawnsBeforeSet;`
	defer user.Reset(user.Set("u"))
}

// ---- neither: the function is not a goroutine of its own ----

func TestNeither(t *testing.T) {
	defer user.Reset(user.Set("u"))
	sync(func() { _ = user.Get() })
	wrap.Sync(func() { _ = user.Get() })
	wrap.Sync(readUser)
}
