package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// eachArg runs do for every argument of a command that takes several (IDs,
// snapshot names), so one bad argument never stops the rest. With one
// argument its error is returned as it is (printed once, by finish). With
// several, each failure is printed to errOut as it happens and the result
// says how it went overall, as docs/cli.md's exit-code table promises:
// nil when every one was done; exit 3 (exitPartial) when some were done and
// some failed; when none was done, the failures' exit code if they share
// one, else 1. An interruption stops at once (exit 130), saying how many
// were done. what names one
// argument for the summary ("pending upload", "snapshot"), done what doing
// it is ("deleted"). An argument given twice is done once ("pending remove
// 3 3" removes 3 and succeeds, rather than failing on the second 3 and
// exiting 3); the summary counts distinct arguments.
func eachArg(ctx context.Context, args []string, errOut io.Writer, what, doneWord string, do func(arg string) error) error {
	args = distinctArgs(args)
	if len(args) == 1 {
		return do(args[0])
	}
	var failed []error
	done := 0
	interrupted := func() error {
		return &exitError{code: exitInterrupted, msg: fmt.Sprintf("interrupted: %d of %s %s, the rest not; nothing was left half-written: run the command again for the rest",
			done, plural(len(args), what), doneWord)}
	}
	for _, a := range args {
		if ctx.Err() != nil {
			return interrupted()
		}
		err := do(a)
		if err == nil {
			done++
			continue
		}
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			// What the interrupted argument's error says besides the
			// interruption is not so (a write rolled back, then "no such
			// ID"): it is not printed.
			return interrupted()
		}
		failed = append(failed, err)
		printArgError(errOut, err)
	}
	if len(failed) == 0 {
		return nil
	}
	if done > 0 {
		return &exitError{code: exitPartial, msg: fmt.Sprintf("done in part: %d of %s %s, %d not (said above)", done, plural(len(args), what), doneWord, len(failed))}
	}
	code := exitCodeOf(failed[0])
	for _, err := range failed[1:] {
		if exitCodeOf(err) != code {
			code = exitFailure
		}
	}
	return &exitError{code: code, msg: fmt.Sprintf("none of the %s was %s (each said above)", plural(len(args), what), doneWord)}
}

// printArgError prints the failure of one argument of several, in the form
// finish prints a command's error.
func printArgError(w io.Writer, err error) {
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(w, "stocksync:", errorText(joinHint(msg, hint(err))))
	}
}

// distinctArgs is args without repeats, in their first order. Commands
// whose arguments have several spellings (pending upload "3", "#3", "03")
// pass them spelled one way (canonicalPendingArgs).
func distinctArgs(args []string) []string {
	seen := make(map[string]bool, len(args))
	out := make([]string, 0, len(args))
	for _, a := range args {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}
