package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Action is a button a notification may offer. Notifiers that cannot show
// buttons (osascript) leave them out.
type Action struct {
	ID    string // what the app receives when the user picks it
	Title string // what the button says
}

// Actions the app offers.
var (
	BackupNow   = Action{ID: "backup-now", Title: "Back Up Now"}
	OpenBackups = Action{ID: "open-backups", Title: "Open Backups"}
)

// Notification is one message to the user.
type Notification struct {
	ID       string // identifies it, so a newer one can replace it
	Title    string
	Subtitle string
	Body     string
	Actions  []Action
}

// Notifier shows notifications.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// Fallback returns a Notifier that uses primary and, when primary fails,
// secondary. A nil notifier is skipped.
func Fallback(primary, secondary Notifier) Notifier {
	switch {
	case primary == nil:
		return secondary
	case secondary == nil:
		return primary
	}
	return fallback{primary, secondary}
}

type fallback struct{ primary, secondary Notifier }

func (f fallback) Notify(ctx context.Context, n Notification) error {
	err := f.primary.Notify(ctx, n)
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return err
	}
	if err2 := f.secondary.Notify(ctx, n); err2 != nil {
		return fmt.Errorf("show notification %q: %w", n.Title, errors.Join(err, err2))
	}
	return nil
}

// Recorder is a Notifier that remembers what it was asked to show, for tests
// of code that notifies. Set Err to make it fail.
type Recorder struct {
	mu    sync.Mutex
	notes []Notification
	Err   error
}

// Notify records n, or returns r.Err without recording when it is set.
func (r *Recorder) Notify(_ context.Context, n Notification) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	n.Actions = append([]Action(nil), n.Actions...)
	r.notes = append(r.notes, n)
	return nil
}

// Notifications returns what was recorded so far, oldest first.
func (r *Recorder) Notifications() []Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Notification(nil), r.notes...)
}
