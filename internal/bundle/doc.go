// Package bundle builds the parts of Stocksync.app that are not Go code: the
// Info.plist with its version filled in at build time, and the ICNS container
// that holds the app icon. Both are tested on Linux; only assembling the .app
// itself (lipo, codesign) needs a Mac.
package bundle
