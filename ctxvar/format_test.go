package ctxvar_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ctxvar/ctxvar/ctxvar"
)

func TestContextString(t *testing.T) {
	user := ctxvar.New[string]("fmt.user")
	id := ctxvar.New[int]("fmt.id")
	secret := ctxvar.New("fmt.secret", ctxvar.Redacted[string]())
	long := ctxvar.New[string]("fmt.long")
	twin1 := ctxvar.New[int]("fmt.twin")
	twin2 := ctxvar.New[int]("fmt.twin")

	if got, want := new(ctxvar.Context).String(), "ctxvar.Context{}"; got != want {
		t.Errorf("empty Context prints %q; want %q", got, want)
	}
	var nilContext *ctxvar.Context
	if got, want := fmt.Sprint(nilContext), "ctxvar.Context(nil)"; got != want {
		t.Errorf("nil Context prints %q; want %q", got, want)
	}

	c := new(ctxvar.Context)
	c.Run(func() {
		user.Set("ada")
		id.Set(42)
		secret.Set("hunter2")
		long.Set(strings.Repeat("é", 40)) // 80 bytes, cut inside no rune
		twin2.Set(2)
		twin1.Set(1)
	})
	got := fmt.Sprintf("%v", c)
	want := "ctxvar.Context{fmt.id: 42, fmt.long: " + strings.Repeat("é", 32) + "…, fmt.secret: [redacted], fmt.twin: 1, fmt.twin: 2, fmt.user: ada}"
	if got != want {
		t.Errorf("Context prints\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(got, "hunter2") {
		t.Error("a Redacted Var's value is printed")
	}
	// The order is the names', not the order of the Sets nor of the map.
	for range 20 {
		if again := c.Copy().String(); again != got {
			t.Fatalf("a copy prints %q; want %q", again, got)
		}
	}
}

func TestContextAll(t *testing.T) {
	a := ctxvar.New[int]("all.a")
	b := ctxvar.New("all.b", ctxvar.Redacted[string]())
	c := new(ctxvar.Context)
	c.Run(func() {
		b.Set("secret")
		a.Set(1)
		// Enough Vars for the map to take its tree form.
		for i := range 40 {
			ctxvar.New[int](fmt.Sprintf("all.n%02d", i)).Set(i)
		}
	})
	var names []string
	values := map[string]any{}
	for v, val := range c.All() {
		names = append(names, v.Name())
		values[v.Name()] = val
		if v.Name() == "all.b" && !v.Redacted() {
			t.Error("all.b does not report that it is Redacted")
		}
	}
	if len(names) != 42 || names[0] != "all.a" || names[1] != "all.b" || names[2] != "all.n00" || names[41] != "all.n39" {
		t.Errorf("All yields %d Vars in the order %v; want all.a, all.b, all.n00 … all.n39", len(names), names)
	}
	if values["all.b"] != "secret" || values["all.a"] != 1 || values["all.n17"] != 17 {
		t.Errorf("All yields the values %v; want the values as set, unredacted", values)
	}
	n := 0
	for range c.All() {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("a loop over All that breaks at 3 ran %d times", n)
	}
	// All is a snapshot of the Context when it is called.
	seq := c.All()
	c.Run(func() { a.Set(100) })
	for v, val := range seq {
		if v.Name() == "all.a" && val != 1 {
			t.Errorf("All taken before a Set yields all.a = %v; want 1", val)
		}
	}
}

func TestTokenAndVarString(t *testing.T) {
	v := ctxvar.New("str.v", ctxvar.Default("-"))
	s := ctxvar.New("str.secret", ctxvar.Default("pw"), ctxvar.Redacted[string]())
	e := ctxvar.New[error]("str.err")
	for _, tc := range []struct{ got, want string }{
		{v.String(), `ctxvar.Var[string]("str.v", default "-")`},
		{s.String(), `ctxvar.Var[string]("str.secret", default [redacted])`},
		{e.String(), `ctxvar.Var[error]("str.err")`},
	} {
		if tc.got != tc.want {
			t.Errorf("Var prints %s; want %s", tc.got, tc.want)
		}
	}
	tok := v.Set("x")
	if got, want := tok.String(), "ctxvar.Token{var: str.v, used: false}"; got != want {
		t.Errorf("unused token prints %q; want %q", got, want)
	}
	v.Reset(tok)
	if got, want := fmt.Sprint(tok), "ctxvar.Token{var: str.v, used: true}"; got != want {
		t.Errorf("used token prints %q; want %q", got, want)
	}
}

func TestValueAny(t *testing.T) {
	v := ctxvar.New("any.v", ctxvar.Default(7))
	var av ctxvar.AnyVar = v
	if val, ok := av.ValueAny(); ok || val != nil {
		t.Errorf("ValueAny of an unset Var with a default = %v, %t; want nil, false: defaults do not count", val, ok)
	}
	defer v.Reset(v.Set(8))
	if val, ok := av.ValueAny(); !ok || val != 8 {
		t.Errorf("ValueAny = %v, %t; want 8, true", val, ok)
	}
	if allocs := testing.AllocsPerRun(100, func() { av.ValueAny() }); allocs != 0 {
		t.Errorf("ValueAny allocates %v times; want 0", allocs)
	}
}
