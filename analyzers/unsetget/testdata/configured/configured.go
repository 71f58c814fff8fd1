// Package configured is analyzed with a barego configured with
// (*wrap.Pool).Later and wrap.LaterFunc as launchers and
// (*wrap.Pool).Enqueue as a spawner, which barego cannot recognize by their
// bodies.
package configured

import "github.com/ctxvar/ctxvar/ctxvar"

var user = ctxvar.New[string]("user") // want user:"noDefault"
