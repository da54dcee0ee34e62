// Package timemachine asks macOS Time Machine, through the tmutil command,
// whether the Stocksync data folder is backed up: is the folder (or any folder
// above it, up to the home folder) excluded, which backup disks are set up
// (destinationinfo -X, falling back to its text form), when did the latest
// backup finish, and is a backup running now (tmutil status).
//
// tmutil is reached only through the small Runner interface, so the parsing is
// tested on any system against recorded tmutil output (testdata/). On systems
// without Time Machine every call fails with ErrNotAvailable, which callers show
// as "not available" rather than as a failure; STOCKSYNC_TMUTIL (RunnerFromEnv)
// replaces tmutil with another program anywhere.
//
// tmutil's own messages are English on every locale, while the NSError text
// and volume names embedded in them are localised: the parsers match
// substrings of tmutil's own text and backupd's error codes, never the exit
// status alone (tmutil exits 0 on some failures and non-zero on some
// successes). Network destinations have no mount point between backups; that
// is normal, not "not connected".
package timemachine
