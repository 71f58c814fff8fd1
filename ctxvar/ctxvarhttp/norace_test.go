//go:build !race

package ctxvarhttp_test

const raceEnabled = false
