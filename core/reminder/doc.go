// Package reminder decides, as a pure function of its input, whether to remind
// the user to back up now and what the notification says.
//
// Work that exists only on this Mac (pending uploads, local edits, local file
// paths) is lost with the Mac unless a backup holds it. The policy: remind when
// something is at risk, the last verified backup (an app snapshot, or a Time
// Machine backup that includes the data folder) is older than one schedule
// period, the user has not snoozed, and no reminder went out in the current
// period. Separately, warn once when Time Machine skips the data folder or has
// no backup disk and no other backup exists.
//
// Nothing here reads a clock or the system: the caller passes Now and the
// facts, and stores LastReminded and WarnedTM from the decisions it acted on.
package reminder
