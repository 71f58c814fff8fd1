package indirect // want "reaches ctxvar"

import "uses"

func G() { uses.F() } // want "inspected"
