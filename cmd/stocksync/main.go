// Command stocksync is the command-line face of the Stocksync core: sync an
// ESP portfolio into a local database, inspect it, and back up what exists
// only on this machine. Each command lives in its own file; this one only runs
// the root command and turns an error into a message and an exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(os.Stderr, "stocksync:", ee.msg)
			}
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "stocksync:", err)
		os.Exit(1)
	}
}
