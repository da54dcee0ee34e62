package reminder

import (
	"fmt"
	"strings"
	"time"
)

// Schedule is how often the user wants to be reminded. The zero value is
// Weekly, the default.
type Schedule int

const (
	Weekly Schedule = iota
	Daily
	Off
)

// ParseSchedule reads "off", "daily" or "weekly" (any case); "" means the
// default, weekly.
func ParseSchedule(s string) (Schedule, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "weekly":
		return Weekly, nil
	case "daily":
		return Daily, nil
	case "off":
		return Off, nil
	}
	return Weekly, fmt.Errorf("unknown backup reminder schedule %q: use off, daily or weekly", s)
}

func (s Schedule) String() string {
	switch s {
	case Daily:
		return "daily"
	case Off:
		return "off"
	case Weekly:
		return "weekly"
	}
	return fmt.Sprintf("Schedule(%d)", int(s))
}

// MarshalText lets a Schedule be stored in config files by name.
func (s Schedule) MarshalText() ([]byte, error) {
	if s < Weekly || s > Off {
		return nil, fmt.Errorf("invalid backup reminder schedule %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a name written by MarshalText.
func (s *Schedule) UnmarshalText(b []byte) error {
	v, err := ParseSchedule(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Period is how long a backup counts as recent, and how long to wait between
// two reminders; 0 for Off.
func (s Schedule) Period() time.Duration {
	switch s {
	case Daily:
		return 24 * time.Hour
	case Weekly:
		return 7 * 24 * time.Hour
	}
	return 0
}
