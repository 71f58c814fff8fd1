package a

import (
	"log"
	"os"
)

// A path that ends in a call that never returns is not a path to a return.

func die(msg string) {
	panic(msg)
}

func dieLater(msg string) {
	log.Print(msg)
	die(msg)
}

func recursive(n int) {
	if n > 0 {
		recursive(n - 1)
	}
}

func fatalPath(id string) int {
	tok := requestID.Set(id)
	switch id {
	case "":
		requestID.Reset(tok)
		return 0
	case "exit":
		requestID.Reset(tok)
		os.Exit(1)
	}
	log.Fatal("unreachable")
	return 1
}

func helperPath(id string) int {
	tok := requestID.Set(id)
	if id != "" {
		requestID.Reset(tok)
		return 1
	}
	dieLater("empty id")
	return 0
}

func loggerPath(l *log.Logger, id string) int {
	tok := requestID.Set(id)
	if id != "" {
		requestID.Reset(tok)
		return 1
	}
	l.Panicf("empty id")
	return 0
}

func returningHelperPath(id string) int {
	tok := requestID.Set(id) // want `the tok variable returned by requestID\.Set is not used on all paths`
	if id != "" {
		requestID.Reset(tok)
		return 1
	}
	recursive(3)
	return 0
}
