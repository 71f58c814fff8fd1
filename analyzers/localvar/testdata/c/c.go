// Package c calls package b's factories.
package c

import (
	"example.com/localvar/b"
)

var user = b.Key[string]("user")

var level, _ = b.WithDefault("level", 1)

var reg = &b.Registry{}

func fromFactory() string {
	return b.Key[string]("tenant").GetOr("") // want `^b\.Key returns a new Var at each call, and fromFactory calls it at each of its own calls: values set on one Var are invisible through the next; call it once, at package level: var tenant = b\.Key\[string\]\("tenant"\)$`
}

func fromMethod(m b.Maker) {
	v := m.Make("count") // want `^b\.Maker\.Make returns a new Var at each call`
	v.Set(1)
}

func fromRegistry() string {
	return reg.Var("user").GetOr("")
}

func withError() {
	v, err := b.WithDefault("x", 2)
	if err == nil {
		_ = v.Get()
	}
}

func useAll() string { _ = level; return user.GetOr("") }
