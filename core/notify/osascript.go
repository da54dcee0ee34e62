package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The scripts are constants: texts reach them only as run-handler arguments.
// Items are counted from the end (-1 is the last) so the script reads the
// right ones whether or not osascript hands the "--" separator through.
const (
	scriptBegin           = "on run argv"
	scriptEnd             = "end run"
	scriptTitleBody       = "display notification (item -1 of argv) with title (item -2 of argv)"
	scriptTitleSubBody    = "display notification (item -1 of argv) with title (item -3 of argv) subtitle (item -2 of argv)"
	argumentsAfterOptions = "--"
)

// Osascript shows notifications with osascript's `display notification`.
// They carry the Script Editor icon and no buttons.
type Osascript struct {
	runner Runner
}

var _ Notifier = (*Osascript)(nil)

// NewOsascript returns a notifier that runs osascript through r
// (SystemRunner() in the app).
func NewOsascript(r Runner) *Osascript { return &Osascript{runner: r} }

// Notify shows n. Actions are dropped: osascript cannot show buttons.
func (o *Osascript) Notify(ctx context.Context, n Notification) error {
	args, err := osascriptArgs(n)
	if err != nil {
		return err
	}
	_, stderr, err := o.runner.Run(ctx, args...)
	if errors.Is(err, ErrNotAvailable) {
		return ErrNotAvailable
	}
	if err != nil {
		msg := strings.TrimSpace(string(stderr))
		if msg == "" {
			msg = "no output"
		}
		return fmt.Errorf("show notification %q with osascript: %s: %w", n.Title, msg, err)
	}
	return nil
}

func osascriptArgs(n Notification) ([]string, error) {
	title, subtitle, body := clean(n.Title), clean(n.Subtitle), clean(n.Body)
	if strings.TrimSpace(title) == "" && strings.TrimSpace(body) == "" {
		return nil, errors.New("show notification: it has neither title nor text")
	}
	if subtitle == "" {
		return []string{"-e", scriptBegin, "-e", scriptTitleBody, "-e", scriptEnd,
			argumentsAfterOptions, title, body}, nil
	}
	return []string{"-e", scriptBegin, "-e", scriptTitleSubBody, "-e", scriptEnd,
		argumentsAfterOptions, title, subtitle, body}, nil
}

// clean drops NUL bytes, which cannot be passed in a command argument.
func clean(s string) string { return strings.ReplaceAll(s, "\x00", "") }
