// Command hello greets a user it never set.
package main

import "example.com/gcltest/app"

func main() {
	app.Greet() // want "unsetget: app.Greet calls app.user.Get"
}
