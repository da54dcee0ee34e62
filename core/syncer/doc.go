// Package syncer brings the local database up to date with ESP.
//
// A run lists every batch (all pages at once once the first gives the total),
// compares each batch's fingerprint with the one its files were last synced
// at, and fetches the files of only the batches that moved. Fetching runs in
// parallel (bounded by the ESP client's in-flight limit); writing runs on one
// goroutine, one transaction per batch that also records the batch's new
// fingerprint, so a run killed at any moment leaves every batch either fully
// synced or still stale, and the next run finishes the job.
//
// With push enabled, local edits of files that are still pending on ESP are
// sent first. An edit whose file changed on ESP since the edit was made is
// not sent: it is kept and marked as a conflict. An edit is cleared only once
// ESP has confirmed it.
//
// Local-only tables are never written by a sync.
package syncer
