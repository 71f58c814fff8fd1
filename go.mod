module github.com/ctxvar/ctxvar

go 1.26
