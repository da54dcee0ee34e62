//go:build darwin

package darwin

// #cgo LDFLAGS: -framework CoreFoundation
// #include <stdint.h>
// void stocksyncPerformOnMain(uintptr_t h);
import "C"

import (
	"runtime/cgo"

	"github.com/progrium/darwinkit/objc"
)

// onRunLoop runs f on the main thread as a block of the main run loop, in
// its common modes (CFRunLoopPerformBlock on CFRunLoopGetMain, then
// CFRunLoopWakeUp; both thread-safe). Unlike onMain's main-queue blocks,
// such a block may run a nested loop (an alert's runModal, terminate:
// answered with NSTerminateLater) while the main queue and later run-loop
// blocks keep running: nested run loops do not drain the main queue inside
// a main-queue block (CFRunLoop.c, libdispatchQSafe). From any goroutine;
// it never waits.
func onRunLoop(f func()) {
	C.stocksyncPerformOnMain(C.uintptr_t(cgo.NewHandle(f)))
}

//export stocksyncRunLoopTask
func stocksyncRunLoopTask(h C.uintptr_t) {
	hd := cgo.Handle(h)
	f := hd.Value().(func())
	hd.Delete()
	objc.WithAutoreleasePool(f)
}
