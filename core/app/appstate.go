package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/stocksync/stocksync/core/atomicfile"
)

// appStateName is the app's own bookkeeping file in the data folder. It holds
// nothing a user could lose (when reminders were shown, which review
// decisions were notified), so a damaged file is replaced rather than
// refused.
const appStateName = "app-state.json"

// appState is what the reminder policy asks callers to remember between runs.
type appState struct {
	LastReminded time.Time `json:"last_reminded,omitzero"`
	WarnedTM     bool      `json:"warned_time_machine,omitempty"`
	// SignedOutNotified: the one "signed out of ESP" notification went out
	// and no sign-in or good sync came since, so a restart does not repeat
	// it.
	SignedOutNotified bool `json:"signed_out_notified,omitempty"`
	// ReviewEventsSeen is the highest review event ID (store.ReviewEvent.ID)
	// whose decision was notified or deliberately not (reviewNews);
	// ReviewEventsKnown says it was set.
	ReviewEventsSeen  int64 `json:"review_events_seen,omitempty"`
	ReviewEventsKnown bool  `json:"review_events_known,omitempty"`
}

func loadAppState(path string) (appState, error) {
	var s appState
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		// Only reminder timing is lost: the worst case is one early reminder.
		return appState{}, nil
	}
	return s, nil
}

// persistAppState writes the newest bookkeeping. Writers are serialised and
// each writes what the controller holds when it writes, so an older copy
// never overwrites a newer one. Not with c.mu held.
func (c *Controller) persistAppState() {
	c.saveMu.Lock()
	defer c.saveMu.Unlock()
	c.mu.Lock()
	st := c.f.app
	c.mu.Unlock()
	if err := saveAppState(c.statePath, st); err != nil {
		c.log.app.Error("save the reminder state", "err", err)
		c.update(func() { c.f.appErr = err })
	}
}

func saveAppState(path string, s appState) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save reminder state: %w", err)
	}
	return nil
}
