package main

// The blank import registers the ctxvarlint module plugin, as the
// plugins.go that golangci-lint custom writes would.
import _ "github.com/ctxvar/ctxvar/plugin"
