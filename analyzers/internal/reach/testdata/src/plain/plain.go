package plain

import "fmt"

func H() { fmt.Println() }
