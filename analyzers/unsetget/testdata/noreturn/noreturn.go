package main // want package:"func values may set user"

// Functions that never return are found through calls of functions
// declared after them, which takes several rounds; what is found must
// shape the paths of every caller, whatever the order of declarations.

import (
	"os"

	"github.com/ctxvar/ctxvar/ctxvar"
)

var user = ctxvar.New[string]("user") // want user:"^noDefault$"

// mustSetUser sets user on every path that returns: the other path ends in
// fatal, which never returns, as is known only once abort and exit are.
func mustSetUser(name string) { // want mustSetUser:"^sets user; may set user$"
	if name == "" {
		fatal("no user")
	} else {
		user.Set(name)
	}
}

// maySetUser leaves user unset when name is empty: warn returns.
func maySetUser(name string) { // want maySetUser:"^may set user$"
	if name == "" {
		warn("no user")
	} else {
		user.Set(name)
	}
}

// quit never returns; the Get after exit is never reached, which is known
// only once exit, declared after quit, is found never to return.
func quit(verbose bool) { // want quit:"^noReturn$"
	if verbose {
		exit("verbose")
		println(user.Get())
	}
	os.Exit(0)
}

func fatal(msg string) { // want fatal:"^noReturn$"
	abort(msg)
}

func abort(msg string) { // want abort:"^noReturn$"
	exit(msg)
}

func exit(msg string) { // want exit:"^noReturn$"
	println(msg)
	os.Exit(1)
}

func warn(msg string) {
	println(msg)
}

func main() {
	done := make(chan bool)
	go func() {
		mustSetUser(os.Getenv("USER"))
		println(user.Get())
		done <- true
	}()
	go func() {
		maySetUser(os.Getenv("USER"))
		println(user.Get()) // want `^user\.Get can panic with a LookupError: user has no default and is not set on a path from the goroutine started at noreturn\.go:\d+ \(it starts with an empty Context\); .* instead of go\)$`
		done <- true
	}()
	<-done
	<-done
}
