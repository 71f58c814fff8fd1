package main

import (
	"runtime/debug"
	"strings"
)

// modulePath is the path of the module that provides the command.
const modulePath = "github.com/ctxvar/ctxvar"

// toolVersion returns the version of the command's module, for the driver
// of a SARIF log, without the v of Go's module versions, as SARIF asks for
// a version that starts with a number: 1.2.0 for v1.2.0. The command may
// be the main module of its build, when it is built in the module's own
// tree or installed with go install module@version, or a dependency, when
// another module runs it with go tool or go run. A build in the module's
// tree without a version stamp has the version "(devel)", which becomes
// 0.0.0-devel, followed by the revision of the checkout when the build
// recorded it.
func toolVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "0.0.0-devel"
	}
	mod := &info.Main
	if mod.Path != modulePath {
		mod = nil
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				mod = dep
				if dep.Replace != nil {
					mod = dep.Replace
				}
				break
			}
		}
	}
	if mod != nil && mod.Version != "" && mod.Version != "(devel)" {
		return strings.TrimPrefix(mod.Version, "v")
	}
	version := "0.0.0-devel"
	if mod == &info.Main {
		settings := make(map[string]string)
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			version += "+" + rev[:min(len(rev), 12)]
			if settings["vcs.modified"] == "true" {
				version += ".dirty"
			}
		}
	}
	return version
}
