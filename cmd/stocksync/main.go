// Command stocksync is the command-line face of the Stocksync core: sync an
// ESP portfolio into a local database, inspect it, and back up what exists
// only on this machine. Each command lives in its own file; this one only runs
// the root command and turns an error into a message and an exit code.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	installCrashPoint()
	root := newRootCmd(&globalOptions{})
	root.SetOut(safeWriter{os.Stdout})
	root.SetErr(safeWriter{os.Stderr})
	err := root.ExecuteContext(ctx)
	interrupted := ctx.Err() != nil
	stop()
	os.Exit(finish(os.Stderr, err, interrupted))
}

// finish is the one place a command's error is printed: it prints err (if
// it has a message) and returns the exit code: the one from exitCodeOf, or
// 130 when the user interrupted the command, whatever error the
// interruption surfaced as ("context canceled", a closed connection, a
// half-read file).
func finish(w io.Writer, err error, interrupted bool) int {
	if err == nil {
		return exitOK
	}
	code := exitCodeOf(err)
	if interrupted && code != exitUsage {
		code = exitInterrupted
	}
	msg := err.Error()
	if code == exitInterrupted && strings.Contains(msg, context.Canceled.Error()) {
		// Go's "context canceled", wherever it ends up in the message
		// ("write to … not committed: context canceled (…)"), is not words
		// for the user.
		msg = "interrupted; nothing was left half-written: run the command again to continue"
	}
	if strings.HasPrefix(msg, "unknown command ") {
		msg = unknownCommandText(msg)
	}
	if msg != "" {
		fmt.Fprintln(w, "stocksync:", errorText(joinHint(msg, hint(err))))
	}
	return code
}

// errorText makes an error message one terminal-safe line (errors often
// quote ESP's or a file's text) and drops a trailing ": not found" that only
// repeats what the message already says ("file 8000 is not in the local
// portfolio: not found").
func errorText(msg string) string {
	msg = termSafe(strings.TrimSpace(msg)) // one line, as docs/cli.md promises
	for _, tail := range []string{": not found", ": no rows in result set", ": sql: no rows in result set"} {
		if t := strings.TrimSuffix(msg, tail); t != msg && strings.Contains(strings.ToLower(t), "not ") {
			msg = t
		}
	}
	return msg
}

// unknownCommandText rewords cobra's unknown-command error (which spreads
// its suggestions over indented lines) as one line:
// `unknown command "stat" for "stocksync"; did you mean status? (see `stocksync --help`)`.
func unknownCommandText(msg string) string {
	head, sugg, _ := strings.Cut(msg, "\n\nDid you mean this?\n")
	head = strings.TrimSpace(head)
	if s := strings.Fields(sugg); len(s) > 0 {
		head += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	if strings.Contains(head, "(see `") {
		return head
	}
	return head + " (see `stocksync --help`)"
}
