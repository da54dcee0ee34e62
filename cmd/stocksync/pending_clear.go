package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/stocksync/stocksync/core/store"
)

// clearFields maps the names --clear takes to the store's field names.
var clearFields = map[string]string{
	"title":       store.FieldTitle,
	"description": store.FieldDescription,
	"caption":     store.FieldDescription,
	"keywords":    store.FieldKeywords,
}

// edit is the change the flags ask for, and the fields --clear empties (in
// the store's names). A field both set and cleared, an empty value, an
// unknown field or no change at all is a usage error.
func (o pendingEditOptions) edit() (store.PendingEdit, []string, error) {
	var e store.PendingEdit
	var cleared []string
	if o.clearSet {
		if strings.TrimSpace(strings.ReplaceAll(o.clear, ",", "")) == "" {
			return e, nil, usageError(fmt.Sprintf("--clear %q names no field: give title, description or keywords, e.g. --clear description,keywords", termSafe(o.clear)))
		}
		for _, name := range strings.Split(o.clear, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			f, ok := clearFields[name]
			if !ok {
				return e, nil, usageError(fmt.Sprintf("--clear %q: %q is not a field that can be cleared; give title, description (or caption) or keywords", termSafe(o.clear), termSafe(name)))
			}
			if !slices.Contains(cleared, f) {
				cleared = append(cleared, f)
			}
		}
	}
	both := func(field, flag string) error {
		return usageError(fmt.Sprintf("--%s and --clear %s both given: give one (a new value, or empty it)", flag, field))
	}
	if o.titleSet {
		if slices.Contains(cleared, store.FieldTitle) {
			return e, nil, both("title", "title")
		}
		t, err := typedText("title", o.title, false)
		if err != nil {
			return e, nil, err
		}
		e.Title = &t
	}
	if o.descriptionSet && o.captionSet {
		return e, nil, usageError("give --description or its alias --caption, not both")
	}
	name := "description" // errors name the flag as typed
	if o.captionSet {
		name, o.description = "caption", o.caption
	}
	if o.descriptionSet || o.captionSet {
		if slices.Contains(cleared, store.FieldDescription) {
			return e, nil, both("description", name)
		}
		c, err := typedText(name, o.description, true)
		if err != nil {
			return e, nil, err
		}
		e.Description = &c
	}
	if o.keywordsSet {
		if slices.Contains(cleared, store.FieldKeywords) {
			return e, nil, both("keywords", "keywords")
		}
		k, err := someKeywords("keywords", o.keywords)
		if err != nil {
			return e, nil, err
		}
		e.Keywords = &k
	}
	empty := ""
	for _, f := range cleared {
		switch f {
		case store.FieldTitle:
			e.Title = &empty
		case store.FieldDescription:
			e.Description = &empty
		case store.FieldKeywords:
			e.Keywords = &[]string{}
		}
	}
	if e.Title == nil && e.Description == nil && e.Keywords == nil {
		return e, nil, &exitError{code: exitUsage, msg: "nothing to change: give --title, --description, --keywords or --clear FIELDS"}
	}
	return e, cleared, nil
}

// printPendingEdit says what changed in the pending upload, and for every
// field cleared that held something, what it held and the command that puts
// it back.
func printPendingEdit(w io.Writer, stocksync string, before, p store.PendingUpload, e store.PendingEdit, cleared []string) {
	var changed, same []string
	for _, f := range changedFields(e) {
		switch {
		case pendingField(before, f) == pendingField(p, f) && slices.Contains(cleared, f):
			same = append(same, f+" already empty")
		case pendingField(before, f) == pendingField(p, f):
			same = append(same, f+" already so")
		case slices.Contains(cleared, f):
			changed = append(changed, f+" cleared")
		default:
			changed = append(changed, f)
		}
	}
	switch {
	case len(changed) == 0:
		fmt.Fprintf(w, "Pending upload %d (%s): nothing changed (%s).\n", p.ID, shownPath(p.Path), strings.Join(same, ", "))
	case len(same) > 0:
		fmt.Fprintf(w, "Pending upload %d (%s) changed: %s (%s).\n", p.ID, shownPath(p.Path), strings.Join(changed, ", "), strings.Join(same, ", "))
	default:
		fmt.Fprintf(w, "Pending upload %d (%s) changed: %s.\n", p.ID, shownPath(p.Path), strings.Join(changed, ", "))
	}
	for _, f := range cleared {
		var old, flag string
		switch f {
		case store.FieldTitle:
			old, flag = before.Title, "--title"
		case store.FieldDescription:
			old, flag = before.Description, "--description"
		case store.FieldKeywords:
			old, flag = strings.Join(before.Keywords, ", "), "--keywords"
		}
		if old == "" {
			continue
		}
		verb := "was"
		if f == store.FieldKeywords {
			verb = "were"
		}
		fmt.Fprintf(w, "  The %s %s: %s\n  To put it back: %s pending edit %d %s %s\n", f, verb, termSafe(old), stocksync, p.ID, flag, termSafe(shellQuote(old)))
	}
}

// pendingField is field f of p as one comparable string.
func pendingField(p store.PendingUpload, f string) string {
	switch f {
	case store.FieldTitle:
		return p.Title
	case store.FieldDescription:
		return p.Description
	case store.FieldKeywords:
		return strings.Join(p.Keywords, "\x00")
	}
	return ""
}

// writeOneOrMany prints one row as a JSON object when one argument was
// named (the documented shape), else every row as a JSON array.
func writeOneOrMany[T any](w io.Writer, rows []T, named int) error {
	if named == 1 && len(rows) == 1 {
		return writeJSON(w, rows[0])
	}
	if rows == nil {
		rows = []T{}
	}
	return writeJSON(w, rows)
}

// commandName is how to call stocksync again in a printed command: with
// --data-dir when the data folder was chosen by that flag.
func (o globalOptions) commandName() string {
	if o.DataDir != "" {
		return "stocksync --data-dir " + shellQuote(o.DataDir)
	}
	return "stocksync"
}
