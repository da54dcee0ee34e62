// Package thumbs downloads thumbnails, and then release documents, in the
// background. Both queues live in the database (a sync adds jobs), so
// downloads survive a restart and never hold up a sync. Each thumbnail is
// written atomically to thumbnails/ under a name Stocksync derives from a
// hash of the file's ID, and each release document to releases/ under a hash
// of the release's ID: whatever the server sends, nothing is ever written
// outside those folders, a thumbnail that is not a whole image (HTML, or an
// image cut short: checkImage walks its structure) is refused, and a
// release document that is not a PDF or an image (a sign-in page, say) is
// refused.
package thumbs
