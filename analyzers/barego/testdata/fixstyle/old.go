//go:build go1.21

package fixstyle

// Before Go 1.22, a loop's variables are shared by its iterations: the
// loop assigns them after the go statement.
func oldLoops(s *server, obs []observer) {
	for _, o := range obs {
		go s.notify(o) // want `start it with ctxvar.Spawn`
	}
	for i := 0; i < 3; i++ {
		go byID(i) // want `start it with ctxvar.Spawn`
	}
}
