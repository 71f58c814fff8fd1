package fix

import "testing"

func TestNothing(t *testing.T) {}
