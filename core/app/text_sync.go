package app

import (
	"fmt"
	"github.com/stocksync/stocksync/core/wording"
	"strconv"
	"strings"

	"github.com/stocksync/stocksync/core/notify"
	"github.com/stocksync/stocksync/core/store"
)

// throttleText says that ESP is slowing the sync down (syncer.Progress's
// Throttled) and at which rate it continues (RequestsPerSecond), as the
// CLI's ThrottleNote does: "ESP is slowing us down; 2.5 requests/s".
func throttleText(rps float64) string {
	if rps <= 0 {
		return "ESP is slowing us down"
	}
	r := strconv.FormatFloat(rps, 'f', 0, 64)
	if rps < 10 {
		r = strings.TrimSuffix(strconv.FormatFloat(rps, 'f', 1, 64), ".0")
	}
	unit := "requests/s"
	if r == "1" {
		unit = "request/s"
	}
	return "ESP is slowing us down; " + r + " " + unit
}

func unitWord(n int, unit string) string {
	if n == 1 {
		return unit
	}
	return unit + "s"
}

// reviewNote tells of the inspectors' decisions of one outcome
// (store.BucketAccepted, BucketRevisable or BucketRejected) that syncs
// recorded as review events since the last notification. One file is
// named (its title, else its file name); its reasons are given when ESP
// sent any.
func reviewNote(outcome string, evs []store.ReviewEvent) notify.Notification {
	n := len(evs)
	var id, title, many, one string
	switch outcome {
	case store.BucketAccepted:
		id, title = noteIDAccepted, wording.Plural(n, "file was", "files were")+" accepted"
		many, one = "ESP inspectors accepted them since the last sync.", "ESP inspectors accepted %s since the last sync."
	case store.BucketRevisable:
		id, title = noteIDRevisable, wording.Plural(n, "file needs", "files need")+" revision"
		many, one = "ESP inspectors asked for changes since the last sync.", "ESP inspectors asked for changes to %s since the last sync."
	default:
		id, title = noteIDRejected, wording.Plural(n, "file was", "files were")+" rejected"
		many, one = "ESP inspectors rejected them since the last sync.", "ESP inspectors rejected %s since the last sync."
	}
	body := many
	if n == 1 {
		e := evs[0]
		body = fmt.Sprintf(one, reviewedContributionName(e))
		if len(e.Reasons) > 0 {
			body += " Reasons: " + strings.Join(e.Reasons, ", ") + "."
		}
	}
	return notify.Notification{ID: id, Title: title, Body: body}
}

// reviewedContributionName names a contribution in a notification: “its
// title”, else “its file name”, else "file" and its ESP ID.
func reviewedContributionName(e store.ReviewEvent) string {
	switch {
	case strings.TrimSpace(e.Headline) != "":
		return "“" + strings.TrimSpace(e.Headline) + "”"
	case e.FileName != "":
		return "“" + e.FileName + "”"
	}
	return "file " + e.ContributionID
}
