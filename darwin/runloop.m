//go:build darwin

// The C half of onRunLoop (runloop.go): a Go file that exports a function
// may only declare C functions in its preamble.

#include <CoreFoundation/CoreFoundation.h>
#include <stdint.h>

extern void stocksyncRunLoopTask(uintptr_t h);

void stocksyncPerformOnMain(uintptr_t h) {
	CFRunLoopRef rl = CFRunLoopGetMain();
	CFRunLoopPerformBlock(rl, kCFRunLoopCommonModes, ^{
		stocksyncRunLoopTask(h);
	});
	CFRunLoopWakeUp(rl);
}
