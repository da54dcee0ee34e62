// Command darwincheck type-checks this module as it is built for macOS, on any
// system. The machines that build and test Stocksync run Linux, yet darwin/,
// cmd/stocksync-app and every *_darwin.go file only compile for GOOS=darwin,
// with cgo and Apple's frameworks; without this check a typo in them is found
// only on a Mac.
//
// It asks `go list -deps` for the darwin file sets (GOOS=darwin, CGO_ENABLED=1,
// without -compiled, so cgo never runs), then type-checks every package from
// source with go/types in dependency order, treating `import "C"` as opaque
// (types.Config.FakeImportC). Dependencies are checked without function bodies
// and their type errors are ignored: darwinkit's and systray's cgo files cannot
// be modelled without a darwin C toolchain, yet their exported Go API can.
// Only packages of the main module are reported, as file:line:col: message.
//
// Usage:
//
//	go run ./internal/tools/darwincheck [-arch arm64,amd64] [-tests=true] [packages]
//
// The packages default to ./... . The exit status is 0 when every package
// type-checks for every architecture, 1 when a package of the module has type
// errors, and 2 when the check itself could not run.
package main
