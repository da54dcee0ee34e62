package app

import (
	"strconv"
	"strings"

	"github.com/stocksync/stocksync/core/config"
	"github.com/stocksync/stocksync/core/reminder"
)

// Choice is one item of a popup menu in a panel: what it says, the value an
// intent takes when it is picked, and whether it is the current setting.
// Exactly one choice of a list is Selected.
type Choice struct {
	Title    string
	Value    string
	Selected bool
}

// Titles of the server popup.
const (
	titleServerProduction = "Getty Images ESP"
	titleServerSandbox    = "ESP sandbox"
	titleServerDemo       = "Built-in demo server"
	titleServerCustom     = "Custom (from config.json)"
)

// serverChoices is the Settings window's server popup: Getty's servers and
// the demo always; "Custom" only when the settings file already names one,
// because its addresses cannot be set up in the window. Value is the
// config.Server* name SaveSettings takes.
func serverChoices(current string) []Choice {
	list := []Choice{
		{Title: titleServerProduction, Value: config.ServerProduction},
		{Title: titleServerSandbox, Value: config.ServerSandbox},
		{Title: titleServerDemo, Value: config.ServerDemo},
	}
	if current == config.ServerCustom {
		list = append(list, Choice{Title: titleServerCustom, Value: config.ServerCustom})
	}
	return selectValue(list, current)
}

// scheduleChoices is the Backups window's reminder popup. Value is the
// schedule's name (reminder.ParseSchedule reads it back).
func scheduleChoices(current reminder.Schedule) []Choice {
	list := []Choice{
		{Title: "Daily", Value: reminder.Daily.String()},
		{Title: "Weekly", Value: reminder.Weekly.String()},
		{Title: "Off", Value: reminder.Off.String()},
	}
	return selectValue(list, current.String())
}

// selectValue marks the choice whose Value is v; when none matches (a
// setting this version does not know) the first is selected, which is what
// the controller uses for it too.
func selectValue(list []Choice, v string) []Choice {
	found := false
	for i := range list {
		if list[i].Value == v {
			list[i].Selected, found = true, true
		}
	}
	if !found && len(list) > 0 {
		list[0].Selected = true
	}
	return list
}

// ChoiceAt is the value of the choice at index i of list, the index a popup
// reports; ok is false for an index outside the list (no selection: -1).
func ChoiceAt(list []Choice, i int) (value string, ok bool) {
	if i < 0 || i >= len(list) {
		return "", false
	}
	return list[i].Value, true
}

// ParseInterval reads the "Sync every … minutes" field: a whole number of
// minutes, blanks around it allowed. Anything else is -1, which SaveSettings
// refuses with a message saying what it accepts.
func ParseInterval(text string) int {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil {
		return -1
	}
	return n
}

// methodLine is a backup method's line in the Backups window: a check mark
// when it is in place, an open circle when not.
func methodLine(name string, inPlace bool) string {
	if inPlace {
		return "✓ " + name
	}
	return "○ " + name
}
