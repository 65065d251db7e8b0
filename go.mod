module github.com/stampede-dev/stampede

go 1.26.8

require (
	github.com/google/uuid v1.6.0
	go.starlark.net v0.0.0-20260908191801-89a6a09411d5
)

require golang.org/x/sys v0.42.0 // indirect
