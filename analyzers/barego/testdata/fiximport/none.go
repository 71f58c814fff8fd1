package fiximport

func none() {
	go helper() // want `start it with ctxvar.Spawn`
}
