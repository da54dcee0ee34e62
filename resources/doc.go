// Package resources holds Stocksync's icons. The files are drawn by
// internal/tools/mkicons (go generate ./resources, or go run
// ./internal/tools/mkicons from the repository root) and must not be edited by
// hand: a test redraws them and compares.
//
// The status icons are embedded for systray; AppIcon.icns is copied into
// Stocksync.app/Contents/Resources by the Makefile.
package resources

//go:generate go run ../internal/tools/mkicons -o .
