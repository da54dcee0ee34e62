// Package syncer brings the local database up to date with ESP.
//
// A run lists every batch (all pages at once once the first gives the total),
// compares each batch's fingerprint with the one its files were last synced
// at, and fetches the files and the releases of only the batches that moved.
// Fetching runs in parallel (bounded by the ESP client's in-flight limit);
// writing runs on one goroutine, one transaction per batch that also records
// the batch's new fingerprint, so a run killed at any moment leaves every
// batch either fully synced or still stale, and the next run finishes the
// job. The whole JSON object ESP sent for each batch, file and release is
// kept, and a file whose status changed since the last sync gets a review
// event (store.ReviewEvent): ESP's web API has no review history, so the
// decisions and their times are derived from what each sync observes.
//
// With push enabled, local edits of files that are still pending on ESP are
// sent first. An edit whose file changed on ESP since the edit was made is
// not sent: it is kept and marked as a conflict. An edit is cleared only once
// ESP has confirmed it.
//
// A run stops at once, changing nothing more, when the ESP session has
// expired (errors.Is(err, esp.ErrSignedOut); recorded as
// store.OutcomeSignedOut) or the sign-in is refused, and with ErrNoProgress
// when ESP gives nothing back for StallTimeout, in every phase. The client's
// throttling shows in Progress ("ESP is slowing us down; continuing at N
// requests/s"), and the rate ESP tolerated is stored for the next run
// (store.LearnedRate).
//
// Local-only tables are never written by a sync.
package syncer
