// Command plistver writes a copy of Info.plist with the bundle versions
// filled in, for the app bundle the Makefile assembles:
//
//	go run ./internal/tools/plistver -in Info.plist -out build/Stocksync.app/Contents/Info.plist -version "$(git describe --tags --always --dirty)"
//
// -version takes git describe output (or a plain 1.2.3) and sets both
// CFBundleShortVersionString and CFBundleVersion from it (0.0.0 for untagged
// builds); -build overrides CFBundleVersion. The output is written atomically;
// the committed Info.plist is never changed.
package main
