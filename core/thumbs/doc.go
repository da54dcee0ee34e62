// Package thumbs downloads thumbnails in the background. The queue lives in
// the database (a sync adds jobs), so downloads survive a restart and never
// hold up a sync. Each thumbnail is written atomically to a name Stocksync
// derives from a hash of the file's ID: whatever the server sends, nothing is
// ever written outside the thumbnails folder, and anything that is not an
// image is refused.
package thumbs
