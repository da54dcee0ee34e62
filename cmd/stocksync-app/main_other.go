//go:build !darwin

// Command stocksync-app is the Stocksync menu-bar app. It exists only on
// macOS; elsewhere it says so and points to the stocksync command.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "the Stocksync app runs on macOS; on this system use the stocksync command (try `stocksync demo`)")
	os.Exit(2)
}
