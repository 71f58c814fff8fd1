package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"math/rand/v2"
	"slices"
	"strconv"
	"text/template"
)

const (
	modulePath  = "example.com/ctxvarbench"
	minPackages = 10
	svcLayers   = 5
	// seed fixes the package graph for a given -n.
	seed = 0x5eed_c7a7
)

// A pkg is one generated package; the fields are what the templates use.
type pkg struct {
	Path  string // import path
	Name  string
	Index int // among the packages of its kind
	Layer int // svc layer, 1 = lowest

	// svc packages
	B, B2  *pkg   // the base packages it uses; B2 differs from B
	L, LX  *pkg   // the launch packages it uses; LX may be L
	Deps   []*pkg // lower svc packages it calls
	Tested bool

	// planted mistakes (svc packages)
	PlantGo, PlantGoDep, PlantDetached, PlantToken bool // in the package
	PlantDetachedUser                              bool // in the package, for barego and unsetget
	PlantUnset, PlantSubtest                       bool // in its test

	// launch packages
	BA, BB *pkg

	// the main package
	Top []*pkg
	B0  *pkg
}

// Dir returns the package's directory relative to the module root.
func (p *pkg) Dir() string { return p.Path[len(modulePath)+1:] }

type module struct {
	files    map[string][]byte // by slash-separated path relative to the module root, planted.json included
	planted  map[string]int    // planted mistakes, by the analyzer meant to report them
	packages int
	tested   int
}

// generate returns the files of a module of n packages whose replace
// directive points at repo.
func generate(n int, repo string) *module {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	m := &module{
		files:   make(map[string][]byte),
		planted: map[string]int{"barego": 0, "losttoken": 0, "unsetget": 0, "removedapi": 0},
	}

	nb := max(2, n/25)
	nl := max(2, n/16)
	nsvc := n - nb - nl - 1
	var bases, launches []*pkg
	for k := range nb {
		name := "b" + strconv.Itoa(k)
		bases = append(bases, &pkg{Path: modulePath + "/base/" + name, Name: name, Index: k})
	}
	for k := range nl {
		name := "l" + strconv.Itoa(k)
		launches = append(launches, &pkg{
			Path: modulePath + "/launch/" + name, Name: name, Index: k,
			BA: bases[k%nb], BB: bases[(k+1)%nb],
		})
	}

	width := max(3, len(strconv.Itoa(nsvc-1)))
	layers := make([][]*pkg, svcLayers)
	var svcs []*pkg
	for i := range nsvc {
		layer := layerOf(i, nsvc)
		name := fmt.Sprintf("p%0*d", width, i)
		p := &pkg{
			Path:  fmt.Sprintf("%s/svc/l%d/%s", modulePath, layer+1, name),
			Name:  name,
			Index: i,
			Layer: layer + 1,
		}
		p.B, p.B2 = pickTwo(rng, bases)
		p.L = launches[rng.IntN(nl)]
		p.LX = p.L
		if rng.IntN(2) == 0 {
			p.L, p.LX = pickTwo(rng, launches)
		}
		if layer > 0 {
			below := layers[layer-1]
			p.Deps = append(p.Deps, below[rng.IntN(len(below))])
			var lower []*pkg
			for _, l := range layers[:layer] {
				lower = append(lower, l...)
			}
			for range rng.IntN(3) {
				if d := lower[rng.IntN(len(lower))]; !slices.Contains(p.Deps, d) {
					p.Deps = append(p.Deps, d)
				}
			}
			slices.SortFunc(p.Deps, func(a, b *pkg) int { return a.Index - b.Index })
		}
		p.Tested = i%4 == 2
		p.PlantGo = i%5 == 0
		p.PlantGoDep = i%7 == 3 && len(p.Deps) > 0
		p.PlantDetached = i%11 == 5
		p.PlantToken = i%6 == 1
		p.PlantDetachedUser = i%13 == 7
		p.PlantUnset = p.Tested && i%8 == 2
		p.PlantSubtest = p.Tested && i%12 == 6
		m.planted["barego"] += count(p.PlantGo, p.PlantGoDep, p.PlantDetached, p.PlantDetachedUser, p.PlantSubtest)
		m.planted["losttoken"] += count(p.PlantToken)
		// unsetget learns from barego that Detached, a launcher of another
		// package, starts a goroutine with an empty Context.
		m.planted["unsetget"] += count(p.PlantUnset, p.PlantDetachedUser)
		layers[layer] = append(layers[layer], p)
		svcs = append(svcs, p)
	}

	mainPkg := &pkg{Path: modulePath + "/cmd/bench", Name: "main", Top: layers[svcLayers-1], B0: bases[0]}
	m.planted["unsetget"]++ // the Get before the Set in main

	m.add("go.mod", goModTmpl, struct{ Module, Repo string }{modulePath, repo}, false)
	for _, p := range bases {
		m.add(p.Dir()+"/"+p.Name+".go", baseTmpl, p, true)
	}
	for _, p := range launches {
		m.add(p.Dir()+"/"+p.Name+".go", launchTmpl, p, true)
	}
	for _, p := range svcs {
		m.add(p.Dir()+"/"+p.Name+".go", svcTmpl, p, true)
		if p.Tested {
			m.add(p.Dir()+"/"+p.Name+"_test.go", svcTestTmpl, p, true)
			m.tested++
		}
	}
	m.add(mainPkg.Dir()+"/main.go", mainTmpl, mainPkg, true)
	m.packages = nb + nl + nsvc + 1
	planted, err := json.Marshal(m.planted)
	if err != nil {
		panic(err)
	}
	m.files["planted.json"] = append(planted, '\n')
	return m
}

// layerOf spreads nsvc packages evenly over the svc layers, lowest first.
func layerOf(i, nsvc int) int { return i * svcLayers / nsvc }

// pickTwo returns two different elements of ps, which has at least two.
func pickTwo(rng *rand.Rand, ps []*pkg) (*pkg, *pkg) {
	i := rng.IntN(len(ps))
	j := (i + 1 + rng.IntN(len(ps)-1)) % len(ps)
	return ps[i], ps[j]
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// add executes tmpl with data into the file name, gofmt-ing Go source; a
// template that does not yield valid Go is a bug of this program.
func (m *module) add(name string, tmpl *template.Template, data any, goSource bool) {
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		panic(fmt.Sprintf("%s: %v", name, err))
	}
	src := buf.Bytes()
	if goSource {
		var err error
		if src, err = format.Source(src); err != nil {
			panic(fmt.Sprintf("generated %s does not parse: %v\n%s", name, err, buf.Bytes()))
		}
	}
	m.files[name] = src
}

// The templates use [[ ]] as delimiters: Go composite literals are full of {{.
func parse(name, text string) *template.Template {
	return template.Must(template.New(name).Delims("[[", "]]").Parse(text))
}
