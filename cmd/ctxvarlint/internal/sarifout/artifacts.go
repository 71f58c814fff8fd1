package sarifout

import (
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// artifacts lists the files a report's locations point into, each once, in
// the order of first use: the run's artifacts array. A location names its
// file and, by index, the file's entry in the array, which is what SARIF
// viewers key files by; without an index, go-sarif writes -1, which the
// SARIF Multitool flags.
type artifacts struct {
	index map[string]int // file name -> index in list
	list  []*sarif.Artifact
}

// location returns the location of file, with the index of its artifact,
// adding the artifact when file is new. base is the location without
// index, as Log.artifactLocation makes it.
func (a *artifacts) location(file string, base func(string) *sarif.ArtifactLocation) *sarif.ArtifactLocation {
	i, ok := a.index[file]
	if !ok {
		if a.index == nil {
			a.index = make(map[string]int)
		}
		i = len(a.list)
		a.index[file] = i
		art := sarif.NewArtifact().WithLocation(base(file)).WithSourceLanguage("go")
		a.list = append(a.list, art)
	}
	return base(file).WithIndex(i)
}
