// Command mkicons draws Stocksync's icons and writes them to resources/:
//
//	go generate ./resources                    # from the repository root
//	go run ./internal/tools/mkicons            # the same
//	go run ./internal/tools/mkicons -o DIR     # somewhere else
//
// The status-bar icons are template images (black with alpha; macOS tints
// them for light and dark menu bars): StatusIcon.png when idle,
// StatusIconSyncing.png while syncing and StatusIconAlert.png when something
// needs the user, each 32×32 px: systray shows the image at 16×16 pt, so that
// is pixel-exact on Retina displays. AppIcon.icns is the coloured app icon
// from 32 to 1024 px.
//
// Everything is drawn from simple geometry with integer arithmetic and
// supersampled for anti-aliasing, so the output is identical byte for byte on
// every machine; a test fails when the committed files differ from what this
// program draws. Change the drawing here and rerun it, never edit the files.
package main
